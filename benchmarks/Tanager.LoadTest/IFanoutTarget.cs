namespace Tanager.LoadTest;

/// <summary>
/// One system under test: a way to open subscribers that each follow one of N channels (or groups), and a publisher
/// that can post to any of them.
/// </summary>
internal interface IFanoutTarget : IAsyncDisposable
{
    string Name { get; }

    /// <summary>What a completed publish means for this target; printed under the results table.</summary>
    string PublishNote { get; }

    /// <summary>Creates the <paramref name="channels"/> channels (whatever each needs) and connects the publisher.</summary>
    Task PrepareAsync(int channels, CancellationToken cancellationToken);

    /// <summary>
    /// Opens one subscriber of channel <see cref="SubscriberTracker.Channel"/> that reports every payload it receives to
    /// <paramref name="tracker"/>, and calls <see cref="SubscriberTracker.OnLost"/> if the server drops it.
    /// </summary>
    Task ConnectSubscriberAsync(SubscriberTracker tracker, CancellationToken cancellationToken);

    /// <summary>Publishes one payload to channel <paramref name="channel"/>; completes when the target acknowledges it.</summary>
    Task PublishAsync(string content, int channel, CancellationToken cancellationToken);
}
