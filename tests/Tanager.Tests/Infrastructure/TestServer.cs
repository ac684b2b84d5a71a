using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Tanager.Client;
using Tanager.Server;

namespace Tanager.Tests.Infrastructure;

/// <summary>The real tanager server (Kestrel on a loopback port), with password hashing cheap enough for tests.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _userCounter;

    private TestServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }
    public IServiceProvider Services => _app.Services;

    public static Task<TestServer> StartAsync(Action<TanagerOptions>? configure = null) =>
        StartAsync(InMemorySettings(), configure);

    /// <summary>In memory, with attachments on local disk in a folder of its own.</summary>
    internal static ServerSettings InMemorySettings() =>
        new(new Uri("http://127.0.0.1:0"), Directory.CreateTempSubdirectory("tanager-server-").FullName, InMemory: true);

    /// <summary>A server on a fresh store of the given kind (a new SQLite file or PostgreSQL database).</summary>
    public static async Task<TestServer> StartAsync(TestStorage storage, Action<TanagerOptions>? configure = null) =>
        await StartAsync(await SettingsForAsync(storage), configure);

    internal static async Task<ServerSettings> SettingsForAsync(TestStorage storage)
    {
        var listen = new Uri("http://127.0.0.1:0");
        return storage switch
        {
            TestStorage.Sqlite => new ServerSettings(listen, Directory.CreateTempSubdirectory("tanager-server-").FullName),
            TestStorage.Postgres => new ServerSettings(listen, Directory.CreateTempSubdirectory("tanager-server-").FullName, DatabaseUrl: (await PostgresServer.GetAsync()).Url(await (await PostgresServer.GetAsync()).CreateDatabaseAsync())),
            _ => InMemorySettings(),
        };
    }

    internal static async Task<TestServer> StartAsync(ServerSettings settings, Action<TanagerOptions>? configure = null, Action<IServiceCollection>? services = null,
        IDictionary<string, string?>? configuration = null)
    {
        // The web client has tests of its own against tanager serve (Web/); here only Tanager's routes are walked and fuzzed.
        var app = TanagerServer.Build(settings with { WebClient = false }, builder =>
        {
            if (configuration is not null)
            {
                builder.Configuration.AddInMemoryCollection(configuration);
            }
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            services?.Invoke(builder.Services);
            builder.Services.Configure<TanagerOptions>(o =>
            {
                // Argon2 at its minimum: tests exercise the flow, not the cost.
                o.PasswordMemoryKiB = 64;
                o.PasswordIterations = 1;
                // Fixtures add members by user_id directly, a documented admin policy; tests of invitations turn it off.
                o.AllowDirectMemberAdd = true;
                // Every test user registers and works from 127.0.0.1, hundreds per run: throttling tests turn this back on.
                o.RateLimits.Enabled = false;
                configure?.Invoke(o);
            });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Registers a fresh user and returns a client signed in as them.</summary>
    public async Task<TanagerClient> NewUserAsync(string? name = null)
    {
        var n = Interlocked.Increment(ref _userCounter);
        var display = name ?? $"User {n}";
        return await TanagerClient.RegisterAsync(Url, $"user{n}-{Guid.NewGuid():N}@example.test", "correct horse battery", display);
    }

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
