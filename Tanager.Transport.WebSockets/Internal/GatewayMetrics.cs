using System.Diagnostics.Metrics;

namespace Tanager.Transport.WebSockets.Internal;

/// <summary>The transport's instruments, under the meter <c>Tanager.Transport.WebSockets</c>.</summary>
internal static class GatewayMetrics
{
    public const string MeterName = TanagerDiagnostics.TransportMeterName;

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Bytes queued for sending across all connections of the process: what slow readers cost in memory.</summary>
    public static readonly UpDownCounter<long> QueuedBytes = Meter.CreateUpDownCounter<long>("tanager.gateway.send_queue.size", unit: "By", description: "Bytes waiting in gateway send queues.");

    /// <summary>WebSocket connections open on this node, from the upgrade to the end of the connection.</summary>
    public static readonly UpDownCounter<long> Connections = Meter.CreateUpDownCounter<long>("tanager.gateway.connections", unit: "{connection}", description: "Gateway WebSocket connections open.");

    /// <summary>Connections dropped because their send queue overflowed.</summary>
    private static long s_framesSent;

    static GatewayMetrics()
    {
        Meter.CreateObservableCounter("tanager.gateway.frames_sent", () => Volatile.Read(ref s_framesSent), unit: "{frame}", description: "Frames handed to gateway sockets.");
    }

    /// <summary>Once per flush, with the frames it wrote: never per frame.</summary>
    public static void Sent(int frames) => Interlocked.Add(ref s_framesSent, frames);

    public static readonly Counter<long> SlowConsumers = Meter.CreateCounter<long>("tanager.gateway.slow_consumers", unit: "{connection}", description: "Gateway connections dropped for not reading fast enough.");
}
