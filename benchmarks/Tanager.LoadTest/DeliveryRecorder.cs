using System.Diagnostics;

namespace Tanager.LoadTest;

/// <summary>
/// Shared by every subscriber of one target. Counts subscribers that have seen at least one payload (readiness) and
/// feeds payloads of the measured sequence range into the current <see cref="MeasuredRun"/>.
/// </summary>
internal sealed class DeliveryRecorder
{
    private MeasuredRun? _current;
    private int _readySubscribers;

    public int ReadySubscribers => Volatile.Read(ref _readySubscribers);

    /// <summary>Starts recording payloads whose sequence is at least <paramref name="fromSequence"/>.</summary>
    public MeasuredRun BeginMeasurement(long fromSequence)
    {
        var run = new MeasuredRun(fromSequence, Stopwatch.GetTimestamp());
        Volatile.Write(ref _current, run);
        return run;
    }

    public SubscriberTracker CreateTracker() => new(this);

    internal void MarkReady() => Interlocked.Increment(ref _readySubscribers);

    internal void Record(long sequence, long sentTimestamp, long receivedTimestamp) =>
        Volatile.Read(ref _current)?.Record(sequence, sentTimestamp, receivedTimestamp);
}

/// <summary>One subscriber's view: remembers whether it has been counted as ready. Used by one receive loop only.</summary>
internal sealed class SubscriberTracker(DeliveryRecorder recorder)
{
    private readonly DeliveryRecorder _recorder = recorder;
    private bool _seenPayload;

    /// <summary>Records a frame if it carries a payload; returns false for any other frame.</summary>
    public bool OnFrame(ReadOnlySpan<byte> utf8)
    {
        var received = Stopwatch.GetTimestamp();
        if (!Payload.TryParse(utf8, out var sequence, out var sent))
        {
            return false;
        }
        Deliver(sequence, sent, received);
        return true;
    }

    public bool OnText(ReadOnlySpan<char> text)
    {
        var received = Stopwatch.GetTimestamp();
        if (!Payload.TryParse(text, out var sequence, out var sent))
        {
            return false;
        }
        Deliver(sequence, sent, received);
        return true;
    }

    private void Deliver(long sequence, long sent, long received)
    {
        if (!_seenPayload)
        {
            _seenPayload = true;
            _recorder.MarkReady();
        }
        _recorder.Record(sequence, sent, received);
    }
}

/// <summary>Deliveries and latencies of one measured phase: payloads with sequence in [from, to).</summary>
internal sealed class MeasuredRun(long fromSequence, long startTimestamp)
{
    private long _toSequence = long.MaxValue;
    private long _received;
    private long _lastReceivedTimestamp;

    public long FromSequence { get; } = fromSequence;
    public long StartTimestamp { get; } = startTimestamp;
    public LatencyHistogram Latency { get; } = new();
    public long Received => Interlocked.Read(ref _received);
    public long LastReceivedTimestamp => Interlocked.Read(ref _lastReceivedTimestamp);

    /// <summary>Closes the range once the phase's last sequence is known, so the next phase's traffic is ignored.</summary>
    public void Close(long toSequence) => Volatile.Write(ref _toSequence, toSequence);

    internal void Record(long sequence, long sentTimestamp, long receivedTimestamp)
    {
        if (sequence < FromSequence || sequence >= Volatile.Read(ref _toSequence))
        {
            return;
        }
        Interlocked.Increment(ref _received);
        Latency.Record((receivedTimestamp - sentTimestamp) * 1_000_000 / Stopwatch.Frequency);
        var last = Interlocked.Read(ref _lastReceivedTimestamp);
        while (receivedTimestamp > last)
        {
            var seen = Interlocked.CompareExchange(ref _lastReceivedTimestamp, receivedTimestamp, last);
            if (seen == last)
            {
                break;
            }
            last = seen;
        }
    }
}
