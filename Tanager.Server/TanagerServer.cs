using System.Net;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Tanager.PubSub.Nats;

namespace Tanager.Server;

/// <summary>Composes the Tanager packages into one process.</summary>
internal static class TanagerServer
{
    public static WebApplication Build(ServerSettings settings, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "tanager",
            // The web client's published files sit beside the executable, whatever folder the server runs in.
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        // Under "dotnet run" (a build, not a publish) the web client's files stay in its project's folders; the build's
        // static web assets manifest points there. Only the Development environment does this by itself.
        if (settings.WebClient)
        {
            builder.WebHost.UseStaticWebAssets();
        }
        builder.Configuration.AddEnvironmentVariables("TANAGER_");
        builder.WebHost.UseUrls(settings.Listen.GetLeftPart(UriPartial.Authority));
        // Gateway connections skip Kestrel's HTTP layer after the upgrade: less memory per connection, one copy less per send.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ConfigureEndpointDefaults(listen =>
            {
                // Not on a metrics listener of its own: it answers /metrics and nothing else.
                if (listen.IPEndPoint?.Port is not { } port || port != MetricsPort(builder.Configuration, settings.Listen))
                {
                    listen.UseTanagerGateway();
                }
            });
            StateLimits(kestrel.Limits);
        });
        builder.Logging.ClearProviders();
        // ASP.NET Core logs ~3 KB of JSON per request at Information; on a chat server that cost more than the request
        // (an empty GET /health: 10.2k/s with it, 37.6k/s without). TANAGER_Logging__LogLevel__Microsoft.AspNetCore overrides.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // Npgsql logs every command it runs at Information: one JSON line per SQL statement. TANAGER_Logging__LogLevel__Npgsql overrides.
        builder.Logging.AddFilter("Npgsql", LogLevel.Warning);
        builder.Logging.AddJsonConsole(o =>
        {
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        // Errors outside Tanager's endpoints (unknown routes, wrong methods, crashes) are problem documents too.
        builder.Services.AddProblemDetails();
        var tanager = builder.Services.AddTanager();
        if (settings.InMemory)
        {
            tanager.UseInMemory();
        }
        else if (settings.DatabaseUrl is { } url)
        {
            tanager.UsePostgres(url);
        }
        else
        {
            tanager.UseSqlite(settings.SqlitePath);
        }
        if (settings.NatsUrl is { } natsUrl)
        {
            tanager.UseNats(natsUrl);
        }
        if (settings.S3 is { } s3)
        {
            tanager.UseS3(s3);
        }
        else
        {
            tanager.UseLocalFiles(settings.FilesDirectory);
        }
        // Image sizes and thumbnails (SkiaSharp: MIT, its native library ships in the package).
        tanager.UseSkiaImages();
        // Sign-in through the identity providers of Tanager:Sso:Providers (none unless configured).
        tanager.AddSingleSignOn();
        // The REST API's OpenAPI document at /api/v1/openapi.json (always: it tells nothing that docs/openapi.json does not).
        tanager.AddOpenApiDocument();
        builder.Services.Configure<TanagerOptions>(builder.Configuration.GetSection("Tanager"));
        // Session lists show the client's address; behind a reverse proxy that is X-Forwarded-For, trusted only from
        // the proxies named here (loopback is trusted by default, as nginx on the same machine is the common case).
        var trustedProxies = TrustedProxies(builder.Configuration["TrustedProxies"]);
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in trustedProxies)
            {
                o.KnownProxies.Add(proxy);
            }
        });
        // CORS only for the origins named in Tanager:AllowedOrigins: without them no policy exists and browsers keep other
        // sites' pages from reading any answer. Bearer tokens, not cookies, so no credentials mode.
        builder.Services.AddCors();
        builder.Services.AddOptions<CorsOptions>().Configure<IOptions<TanagerOptions>>((cors, tanager) =>
        {
            if (tanager.Value.AllowedOrigins.Count > 0)
            {
                cors.AddDefaultPolicy(policy => policy.WithOrigins([.. tanager.Value.AllowedOrigins]).AllowAnyHeader().AllowAnyMethod()
                    .WithExposedHeaders("Retry-After", "Location").SetPreflightMaxAge(TimeSpan.FromMinutes(10)));
            }
        });
        // Browsers that reached the server over HTTPS (through a proxy that says so in X-Forwarded-Proto) keep to it for a year.
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        // /health/live and /health/ready (HealthEndpoints): the store, NATS, the file store, and the drain.
        builder.Services.AddHealthChecks().AddTanagerChecks();
        customize?.Invoke(builder);
        // After customize: tests (and a host's own configuration sources) may set Metrics:Listen there.
        var metrics = MetricsEndpoint.Read(builder.Configuration[MetricsEndpoint.ConfigurationKey], settings.Listen);
        metrics.AddTo(builder, settings.Listen);

        var app = builder.Build();
        // First: on a metrics port of its own nothing else runs, not even the API's headers and error pages.
        metrics.MapTo(app);
        app.UseForwardedHeaders();
        app.UseTanagerSecurityHeaders();
        app.UseHsts();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCors();
        app.MapMethods("/health", [HttpMethods.Get, HttpMethods.Head], (GatewayHub hub) => Results.Json(
            new HealthReport(hub.IsDraining ? "draining" : "ok", hub.SessionCount),
            ServerJsonContext.Default.HealthReport,
            statusCode: hub.IsDraining ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK));
        HealthEndpoints.Map(app);
        app.MapTanager();
        if (app.Configuration.GetValue<bool>(ApiReference.ConfigurationKey))
        {
            ApiReference.Map(app);
        }
        // The web client (Tanager.Web.App) at /, after the API: its fallback never answers api, gateway, health or files.
        if (settings.WebClient)
        {
            app.MapTanagerWebClient();
        }
        return app;
    }

    private static int? MetricsPort(IConfiguration configuration, Uri main) =>
        MetricsEndpoint.Read(configuration[MetricsEndpoint.ConfigurationKey], main).Listen?.Port;

    /// <summary>
    /// Kestrel's limits, stated rather than left to its defaults, so that docs/security.md ("Limits") is true whatever a
    /// future Kestrel changes. Request bodies: 64 KiB, the REST API's own limit (the signed upload route raises it to the
    /// file's signed size, the gateway removes it after the upgrade).
    /// </summary>
    internal static void StateLimits(KestrelServerLimits limits)
    {
        limits.MaxRequestBodySize = 64 * 1024;
        limits.MaxRequestLineSize = 8 * 1024;
        limits.MaxRequestHeadersTotalSize = 32 * 1024;
        limits.MaxRequestHeaderCount = 100;
        // A client that trickles its request head (slowloris) is cut off after this; the gateway's own sniffing uses it too.
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
        limits.KeepAliveTimeout = TimeSpan.FromSeconds(130);
        limits.Http2.MaxStreamsPerConnection = 100;
        // Bodies slower than 240 bytes/s after a 5 s grace are cut off (Kestrel's default, stated).
        limits.MinRequestBodyDataRate = new MinDataRate(240, TimeSpan.FromSeconds(5));
    }

    /// <summary>The addresses in <c>TrustedProxies</c> (comma-separated); a value that is not an IP address stops start-up.</summary>
    private static List<IPAddress> TrustedProxies(string? value)
    {
        var proxies = new List<IPAddress>();
        foreach (var entry in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            proxies.Add(IPAddress.TryParse(entry, out var address) ? address
                : throw new InvalidOperationException($"TrustedProxies must be IP addresses separated by commas; '{entry}' is not one."));
        }
        return proxies;
    }

    public static async Task<int> RunAsync(ServerSettings settings, CancellationToken cancellationToken)
    {
        var app = Build(settings);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Tanager.Server");
        var options = app.Services.GetRequiredService<IOptions<TanagerOptions>>().Value;
        Log.Starting(logger, settings.Listen.ToString(), settings.StorageDescription, options.Gateway.HeartbeatInterval.TotalSeconds);
        if (settings.InMemory)
        {
            Log.InMemoryWarning(logger);
        }
        Log.FileStore(logger, settings.FileStoreDescription);
        Log.PubSub(logger, app.Services.GetRequiredService<IPubSub>() is NatsPubSub nats ? $"nats ({nats.Url})" : "in-process");
        try
        {
            await app.RunAsync(cancellationToken);
        }
        catch (NatsUnreachableException exception)
        {
            // Fail fast at start-up with the one line a self-hoster needs; once started, NATS outages are survived.
            await Console.Error.WriteLineAsync(exception.Message);
            return 1;
        }
        return 0;
    }

    public static async Task<int> MigrateAsync(ServerSettings settings, CancellationToken cancellationToken)
    {
        await using var app = Build(settings);
        foreach (var migrator in app.Services.GetServices<IStorageMigrator>())
        {
            await migrator.MigrateAsync(cancellationToken);
            await Console.Out.WriteLineAsync($"{migrator.StorageName}: schema is up to date ({settings.StorageDescription}).");
        }
        return 0;
    }
}
