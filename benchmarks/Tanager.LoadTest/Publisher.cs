using System.Diagnostics;

namespace Tanager.LoadTest;

/// <summary>
/// The publishing side of a run: hands out payload sequence numbers (one series per target, probes included) and runs
/// publish phases that spread messages round-robin over the channels, so a rate is messages per second overall.
/// </summary>
internal sealed class Publisher(LoadTestOptions options, Action<string> log)
{
    // Publishes still unacknowledged this long after a phase ends are abandoned, so a stuck server cannot hang the run.
    private static readonly TimeSpan PublishGrace = TimeSpan.FromSeconds(30);
    // Hard cap on messages per phase besides the time limit (far above what one publisher reaches in 600 s here).
    private const long MaxMessagesPerPhase = 5_000_000;
    // A healthy run fails no publish; past this many the publisher is broken and the phase ends instead of spinning.
    private const long MaxFailedPublishes = 1_000;

    private readonly LoadTestOptions _options = options;
    private readonly Action<string> _log = log;
    private long _lastSequence;

    /// <summary>The sequence the next payload will carry: a phase's range starts here.</summary>
    public long NextSequence => Interlocked.Read(ref _lastSequence) + 1;

    /// <summary>Publishes one probe to each of <paramref name="channels"/>, at most <see cref="LoadTestOptions.InFlight"/> at once.</summary>
    public Task ProbeAsync(IFanoutTarget target, IReadOnlyList<int> channels, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            channels,
            new ParallelOptions { MaxDegreeOfParallelism = _options.InFlight, CancellationToken = cancellationToken },
            async (channel, token) => await target.PublishAsync(NewPayload(Stopwatch.GetTimestamp()), channel, token));

    /// <summary>
    /// Publishes for <paramref name="duration"/>: at <paramref name="rate"/> messages/s, or as fast as acknowledgements
    /// allow when it is 0; never more than <see cref="LoadTestOptions.InFlight"/> unacknowledged. Message i of the phase
    /// goes to channel i mod N. At a fixed rate the embedded timestamp is the scheduled send time, so a publisher held
    /// back by the in-flight bound or by a late timer still charges that delay to latency (no coordinated omission).
    /// </summary>
    public async Task<PublishCounts> RunPhaseAsync(IFanoutTarget target, int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var channels = _options.Channels;
        var counts = new PublishCounts(channels);
        // Not disposed: abandoned publishes may still release it after this method returns; it holds no wait handle.
        var slots = new SemaphoreSlim(_options.InFlight, _options.InFlight);
        using var phase = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        phase.CancelAfter(duration + PublishGrace);
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        try
        {
            for (long i = 0; i < MaxMessagesPerPhase && counts.Failed < MaxFailedPublishes; i++)
            {
                long sentAt;
                if (rate > 0)
                {
                    sentAt = start + (i * Stopwatch.Frequency / rate);
                    if (sentAt >= end)
                    {
                        break;
                    }
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), sentAt);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, phase.Token);
                    }
                    await slots.WaitAsync(phase.Token);
                }
                else
                {
                    await slots.WaitAsync(phase.Token);
                    sentAt = Stopwatch.GetTimestamp();
                    if (sentAt >= end)
                    {
                        slots.Release();
                        break;
                    }
                }
                _ = PublishOneAsync(target, NewPayload(sentAt), (int)(i % channels), slots, counts, phase.Token);
            }
            // Taking every slot back means no publish of this phase is still outstanding.
            for (var i = 0; i < _options.InFlight; i++)
            {
                await slots.WaitAsync(phase.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _log($"{target.Name}: publishes still unacknowledged {PublishGrace.TotalSeconds} s after the phase were abandoned");
        }
        return counts;
    }

    private string NewPayload(long sentAt) => Payload.Create(Interlocked.Increment(ref _lastSequence), sentAt, _options.PayloadBytes);

    private static async Task PublishOneAsync(IFanoutTarget target, string content, int channel, SemaphoreSlim slots, PublishCounts counts, CancellationToken cancellationToken)
    {
        try
        {
            await target.PublishAsync(content, channel, cancellationToken);
            counts.Succeed(channel);
        }
        catch (Exception ex)
        {
            // Any failure (HTTP error, closed connection, cancellation) is counted and reported, never fatal to the run.
            counts.Fail(ex);
        }
        finally
        {
            slots.Release();
        }
    }
}

/// <summary>Acknowledged and failed publishes of one phase; acknowledged ones per channel, which is what each reaches.</summary>
internal sealed class PublishCounts(int channels)
{
    private readonly long[] _succeededPerChannel = new long[channels];
    private long _succeeded;
    private long _failed;
    private string? _firstError;

    public long Succeeded => Interlocked.Read(ref _succeeded);
    public long Failed => Interlocked.Read(ref _failed);
    public string? FirstError => Volatile.Read(ref _firstError);

    /// <summary>Deliveries the acknowledged publishes should make, given the subscribers of each channel.</summary>
    public long ExpectedDeliveries(IReadOnlyList<int> subscribersPerChannel)
    {
        long expected = 0;
        for (var channel = 0; channel < _succeededPerChannel.Length; channel++)
        {
            expected += Interlocked.Read(ref _succeededPerChannel[channel]) * subscribersPerChannel[channel];
        }
        return expected;
    }

    public void Succeed(int channel)
    {
        Interlocked.Increment(ref _succeededPerChannel[channel]);
        Interlocked.Increment(ref _succeeded);
    }

    public void Fail(Exception ex)
    {
        Interlocked.Increment(ref _failed);
        Interlocked.CompareExchange(ref _firstError, ex.Message, null);
    }
}
