using Microsoft.Extensions.Options;

namespace Tanager.Server;

/// <summary>Composes the Tanager packages into one process.</summary>
internal static class TanagerServer
{
    public static WebApplication Build(ServerSettings settings, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "tanager" });
        builder.Configuration.AddEnvironmentVariables("TANAGER_");
        builder.WebHost.UseUrls(settings.Listen.GetLeftPart(UriPartial.Authority));
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
        builder.Services.AddTanager();
        builder.Services.Configure<TanagerOptions>(builder.Configuration.GetSection("Tanager"));
        customize?.Invoke(builder);

        var app = builder.Build();
        app.MapGet("/health", (GatewayHub hub) => Results.Json(
            new HealthReport(hub.IsDraining ? "draining" : "ok", hub.SessionCount),
            ServerJsonContext.Default.HealthReport,
            statusCode: hub.IsDraining ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK));
        app.MapTanager();
        return app;
    }

    public static async Task<int> RunAsync(ServerSettings settings, CancellationToken cancellationToken)
    {
        var app = Build(settings);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Tanager.Server");
        var options = app.Services.GetRequiredService<IOptions<TanagerOptions>>().Value;
        Log.Starting(logger, settings.Listen.ToString(), "in-memory", options.Gateway.HeartbeatInterval.TotalSeconds);
        Log.InMemoryWarning(logger);
        await app.RunAsync(cancellationToken);
        return 0;
    }
}
