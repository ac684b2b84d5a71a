using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tanager.Internal;

/// <summary>
/// The engine's instruments, under the meter <see cref="TanagerDiagnostics.MeterName"/> (one per process, as the
/// transport's). Nothing here runs per recipient: deliveries are summed once per fan-out into a plain counter that an
/// observable instrument reads when a collector asks (issue 10 measured the fan-out in nanoseconds per delivery).
/// </summary>
internal static class TanagerMetrics
{
    private static readonly Meter Meter = new(TanagerDiagnostics.MeterName);

    public static readonly ActivitySource Activities = new(TanagerDiagnostics.ActivitySourceName);

    private static long s_deliveries;

    /// <summary>Gateway sessions open on this node (WebSocket and SSE), identified or not.</summary>
    public static readonly UpDownCounter<long> Sessions = Meter.CreateUpDownCounter<long>("tanager.gateway.sessions", unit: "{session}", description: "Gateway sessions open on this node.");

    /// <summary>Sends waiting in the group-commit lanes: what back-pressure holds before the store.</summary>
    public static readonly UpDownCounter<long> SendQueue = Meter.CreateUpDownCounter<long>("tanager.send.queue.size", unit: "{message}", description: "Messages waiting in the send pipeline's group-commit lanes.");

    /// <summary>From a send's arrival (REST, gateway, webhook) to its acknowledgement: queue, commit and publish.</summary>
    public static readonly Histogram<double> SendDuration = Meter.CreateHistogram<double>("tanager.send.duration", unit: "s", description: "Time from a send's arrival to its acknowledgement (queue, group commit, publish).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });

    /// <summary>Messages written per group commit (one store call, one fsync).</summary>
    public static readonly Histogram<int> CommitBatchSize = Meter.CreateHistogram<int>("tanager.send.batch.size", unit: "{message}", description: "Messages written by one group commit.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });

    /// <summary>The store's side of a group commit.</summary>
    public static readonly Histogram<double> StoreAppendDuration = Meter.CreateHistogram<double>("tanager.store.append.duration", unit: "s", description: "Time the store took to write one group commit.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });

    /// <summary>Catch-up reads from the store (after a pub/sub outage, a gap, or a resume), one per channel read.</summary>
    public static readonly Counter<long> CatchUps = Meter.CreateCounter<long>("tanager.catch_up.reads", unit: "{read}", description: "Catch-up reads of a channel's changes from the store.");

    /// <summary>Changes those reads returned (shared by every session that joined the read).</summary>
    public static readonly Counter<long> CatchUpChanges = Meter.CreateCounter<long>("tanager.catch_up.changes", unit: "{change}", description: "Message changes returned by catch-up reads.");

    public static readonly Histogram<double> CatchUpDuration = Meter.CreateHistogram<double>("tanager.catch_up.duration", unit: "s", description: "Time the store took for one catch-up read.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });

    /// <summary>How long handing an event to the pub/sub took (in process: the local fan-out itself; NATS: the publish).</summary>
    public static readonly Histogram<double> PublishDuration = Meter.CreateHistogram<double>("tanager.pubsub.publish.duration", unit: "s", description: "Time to publish one event to the pub/sub.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });

    /// <summary>Times the pub/sub said events may have been lost (a broker reconnect): each makes every session catch up.</summary>
    public static readonly Counter<long> DeliveriesLost = Meter.CreateCounter<long>("tanager.pubsub.deliveries_lost", unit: "{outage}", description: "Pub/sub outages after which events may have been lost.");

    static TanagerMetrics()
    {
        Meter.CreateObservableCounter("tanager.gateway.deliveries", () => Volatile.Read(ref s_deliveries), unit: "{delivery}",
            description: "Events handed to this node's gateway sessions (one per session per event).");
    }

    /// <summary>0.5 ms to 10 s: a commit on local SQLite is well under a millisecond, a cross-region PostgreSQL is tens.</summary>
    private static IReadOnlyList<double> LatencyBuckets => [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Once per fan-out, with its listener count: one interlocked add however many sessions receive the event.</summary>
    public static void Delivered(int listeners) => Interlocked.Add(ref s_deliveries, listeners);

    public static double Seconds(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
}
