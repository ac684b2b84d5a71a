using System.Diagnostics.Metrics;

namespace Tanager.Transport.WebSockets.Internal;

/// <summary>The transport's instruments, under the meter <c>Tanager.Transport.WebSockets</c>.</summary>
internal static class GatewayMetrics
{
    public const string MeterName = "Tanager.Transport.WebSockets";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Bytes queued for sending across all connections of the process: what slow readers cost in memory.</summary>
    public static readonly UpDownCounter<long> QueuedBytes = Meter.CreateUpDownCounter<long>("tanager.gateway.send_queue.size", unit: "By", description: "Bytes waiting in gateway send queues.");

    /// <summary>Connections dropped because their send queue overflowed.</summary>
    public static readonly Counter<long> SlowConsumers = Meter.CreateCounter<long>("tanager.gateway.slow_consumers", unit: "{connection}", description: "Gateway connections dropped for not reading fast enough.");
}
