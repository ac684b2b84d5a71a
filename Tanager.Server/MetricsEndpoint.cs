using Microsoft.AspNetCore.Hosting;
using OpenTelemetry.Metrics;

namespace Tanager.Server;

/// <summary>
/// Where <c>/metrics</c> (Prometheus text format, from OpenTelemetry's exporter) is served, from the configuration key
/// <c>Metrics:Listen</c> (<c>TANAGER_Metrics__Listen</c>): unset or <c>off</c>, nowhere; <c>main</c>, on the main
/// listener beside the API; an <c>http://host:port</c> URL, on a listener of its own that answers nothing else. Off by
/// default: the counters say how busy the server is and how many people are connected, which is not for the public, and a
/// port of its own can be kept on loopback or a private network.
/// </summary>
internal sealed record MetricsEndpoint(bool Enabled, Uri? Listen)
{
    public const string ConfigurationKey = "Metrics:Listen";
    public const string Path = "/metrics";

    public static MetricsEndpoint Off { get; } = new(false, null);

    /// <summary>The meters exported: the engine's, the transport's, and the runtime's own (GC, memory, thread pool).</summary>
    private static readonly string[] Meters = [TanagerDiagnostics.MeterName, TanagerDiagnostics.TransportMeterName, "System.Runtime"];

    /// <summary>The setting, or a start-up error naming the key and what it accepts.</summary>
    public static MetricsEndpoint Read(string? value, Uri main)
    {
        ArgumentNullException.ThrowIfNull(main);
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text) || text.Equals("off", StringComparison.OrdinalIgnoreCase))
        {
            return Off;
        }
        if (text.Equals("main", StringComparison.OrdinalIgnoreCase))
        {
            return new MetricsEndpoint(true, null);
        }
        var listen = ServerSettings.ParseListen(text)
            ?? throw new InvalidOperationException($"{ConfigurationKey} must be off, main, or an http://host:port URL with no path; got '{text}'.");
        return listen.Port == main.Port && main.Port != 0
            ? throw new InvalidOperationException($"{ConfigurationKey} names the main listener's port {main.Port}: use main to serve /metrics there.")
            : new MetricsEndpoint(true, listen);
    }

    /// <summary>Registers the exporter and, for a port of its own, the extra listener.</summary>
    public void AddTo(WebApplicationBuilder builder, Uri main)
    {
        if (!Enabled)
        {
            return;
        }
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(Meters).AddPrometheusExporter());
        if (Listen is { } listen)
        {
            builder.WebHost.UseUrls(main.GetLeftPart(UriPartial.Authority), listen.GetLeftPart(UriPartial.Authority));
        }
    }

    /// <summary>Whether a connection came in on the metrics listener (by its local port, never by the Host header).</summary>
    public bool IsMetricsListener(HttpContext context) => Listen is { } listen && context.Connection.LocalPort == listen.Port;

    /// <summary>
    /// Serves <c>/metrics</c>. On a listener of its own, every other request there is 404, so the API is never reached
    /// through the metrics port; on the main listener, <c>/metrics</c> sits beside the API.
    /// </summary>
    public void MapTo(WebApplication app)
    {
        if (!Enabled)
        {
            return;
        }
        if (Listen is null)
        {
            app.MapPrometheusScrapingEndpoint(Path);
            return;
        }
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context => IsMetricsListener(context) && context.Request.Path == Path);
        app.Use(next => context =>
        {
            if (IsMetricsListener(context))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            return next(context);
        });
    }
}
