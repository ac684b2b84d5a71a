namespace Tanager;

/// <summary>
/// The names under which Tanager reports what it does, for an application that wires its own exporter
/// (OpenTelemetry: <c>AddMeter("Tanager*")</c> and <c>AddSource(TanagerDiagnostics.ActivitySourceName)</c>).
/// docs/operations.md lists every instrument.
/// </summary>
public static class TanagerDiagnostics
{
    /// <summary>The engine's meter: gateway sessions, deliveries, sends, group commits, store timings, catch-ups, pub/sub.</summary>
    public const string MeterName = "Tanager";

    /// <summary>The WebSocket transport's meter: connections, send queues, slow consumers, frames sent.</summary>
    public const string TransportMeterName = "Tanager.Transport.WebSockets";

    /// <summary>The engine's traces: a send (<c>tanager.send</c>) with its group commit and its publish.</summary>
    public const string ActivitySourceName = "Tanager";
}
