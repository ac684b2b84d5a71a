namespace Tanager.LoadTest;

/// <summary>One system under test: a way to open subscribers in one channel or group, and a publisher for it.</summary>
internal interface IFanoutTarget : IAsyncDisposable
{
    string Name { get; }

    /// <summary>What a completed publish means for this target; printed under the results table.</summary>
    string PublishNote { get; }

    /// <summary>Subscribers the server disconnected during the test.</summary>
    int LostSubscribers { get; }

    /// <summary>Creates whatever the channel needs and connects the publisher.</summary>
    Task PrepareAsync(CancellationToken cancellationToken);

    /// <summary>Opens one subscriber that reports every payload it receives to <paramref name="tracker"/>.</summary>
    Task ConnectSubscriberAsync(SubscriberTracker tracker, CancellationToken cancellationToken);

    /// <summary>Publishes one payload; completes when the target acknowledges it.</summary>
    Task PublishAsync(string content, CancellationToken cancellationToken);
}
