using System.Net;
using System.Text.Json;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// <c>/health/live</c> and <c>/health/ready</c> on <c>tanager serve</c>: ready follows the store, NATS and the drain;
/// live only says the process answers, whatever its dependencies do.
/// </summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Ready_goes_unhealthy_when_PostgreSQL_stops_and_healthy_when_it_returns_while_live_stays_healthy()
    {
        var postgres = await PostgresServer.StartOwnAsync();
        try
        {
            await ReadyFollowsPostgresAsync(postgres);
        }
        finally
        {
            // Stopped now rather than by the watchdog when the run ends (which also removes its folder).
            await postgres.PauseAsync();
        }
    }

    private static async Task ReadyFollowsPostgresAsync(PostgresServer postgres)
    {
        var settings = new Tanager.Server.ServerSettings(new Uri("http://127.0.0.1:0"), Directory.CreateTempSubdirectory("tanager-server-").FullName,
            DatabaseUrl: postgres.Url(await postgres.CreateDatabaseAsync()));
        await using var server = await TestServer.StartAsync(settings);
        using var http = new HttpClient();
        await server.NewUserAsync();
        var ready = await ProbeAsync(http, server, "health/ready");
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (ready.Status, ready.Checks["tanager-store"]));
        Assert.Equal(["tanager-files", "tanager-gateway", "tanager-pubsub", "tanager-store"], ready.Checks.Keys.Order());

        await postgres.PauseAsync();
        Assert.True(await Eventually.UntilAsync(async () => (await ProbeAsync(http, server, "health/ready")).Status == HttpStatusCode.ServiceUnavailable),
            "ready stayed healthy with PostgreSQL stopped");
        var down = await ProbeAsync(http, server, "health/ready");
        Assert.Equal(("Unhealthy", "Unhealthy", "Healthy"), (down.Body, down.Checks["tanager-store"], down.Checks["tanager-gateway"]));
        Assert.Equal(HttpStatusCode.OK, (await ProbeAsync(http, server, "health/live")).Status);

        await postgres.ResumeAsync();
        Assert.True(await Eventually.UntilAsync(async () => (await ProbeAsync(http, server, "health/ready")).Status == HttpStatusCode.OK),
            "ready stayed unhealthy after PostgreSQL came back");
        Assert.Equal(HttpStatusCode.OK, (await ProbeAsync(http, server, "health/live")).Status);
        // And the server works again, not only its probe.
        await server.NewUserAsync();
    }

    [Fact]
    public async Task Ready_goes_unhealthy_while_the_server_drains_and_live_stays_healthy()
    {
        var server = await TestServer.StartAsync(o => o.DrainTimeout = TimeSpan.FromSeconds(15));
        using var http = new HttpClient();
        var user = await server.NewUserAsync();
        // A client that ignores RECONNECT keeps the drain waiting for it.
        var client = await RawGatewayClient.ConnectAsync(server.Url);
        await client.IdentifyAsync(user.Token!);
        Assert.Equal(HttpStatusCode.OK, (await ProbeAsync(http, server, "health/ready")).Status);

        var stopping = server.StopAsync();
        Assert.True(await Eventually.UntilAsync(async () => (await ProbeAsync(http, server, "health/ready")).Status == HttpStatusCode.ServiceUnavailable),
            "ready stayed healthy while draining");
        var draining = await ProbeAsync(http, server, "health/ready");
        Assert.Equal(("Unhealthy", "Healthy"), (draining.Checks["tanager-gateway"], draining.Checks["tanager-store"]));
        Assert.Equal(HttpStatusCode.OK, (await ProbeAsync(http, server, "health/live")).Status);
        // The old /health says the same, as it always did.
        using (var old = await http.GetAsync(new Uri(server.Url, "health")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, old.StatusCode);
        }
        Assert.False(stopping.IsCompleted);

        await client.DisposeAsync();
        await stopping.Within(15);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Ready_follows_the_NATS_connection()
    {
        await using var nats = await NatsServer.StartAsync();
        var settings = TestServer.InMemorySettings() with { NatsUrl = nats.Url };
        await using var server = await TestServer.StartAsync(settings);
        using var http = new HttpClient();
        Assert.Equal("Healthy", (await ProbeAsync(http, server, "health/ready")).Checks["tanager-pubsub"]);

        await nats.StopAsync();
        Assert.True(await Eventually.UntilAsync(async () => (await ProbeAsync(http, server, "health/ready")).Checks["tanager-pubsub"] == "Unhealthy"),
            "ready stayed healthy with NATS stopped");
        Assert.Equal(HttpStatusCode.OK, (await ProbeAsync(http, server, "health/live")).Status);

        await nats.StartAgainAsync();
        Assert.True(await Eventually.UntilAsync(async () => (await ProbeAsync(http, server, "health/ready")).Status == HttpStatusCode.OK, 30),
            "ready stayed unhealthy after NATS came back");
    }

    [Fact]
    public async Task An_embedding_app_adds_the_checks_as_operations_md_shows()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddTanager().UseInMemory();
        // docs/operations.md, "Health checks":
        builder.Services.AddHealthChecks().AddTanagerChecks();
        await using var app = builder.Build();
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains(TanagerHealthCheckExtensions.ReadyTag) });
        app.MapTanager();
        await app.StartAsync();
        var url = app.BaseUrl();
        using var http = new HttpClient();
        Assert.Equal("Healthy", await http.GetStringAsync(new Uri(url, "health/ready")));

        var hub = app.Services.GetRequiredService<GatewayHub>();
        var stopping = hub.DrainAsync(TimeSpan.Zero);
        await stopping;
        using var ready = await http.GetAsync(new Uri(url, "health/ready"));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Unhealthy"), (ready.StatusCode, await ready.Content.ReadAsStringAsync()));
        Assert.Equal("Healthy", await http.GetStringAsync(new Uri(url, "health/live")));
        await app.StopAsync();
    }

    private static async Task<Probe> ProbeAsync(HttpClient http, TestServer server, string path)
    {
        using var response = await http.GetAsync(new Uri(server.Url, path));
        Assert.Equal("no-store, no-cache", response.Headers.CacheControl?.ToString());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = json.RootElement.GetProperty("checks").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetString()!);
        return new Probe(response.StatusCode, json.RootElement.GetProperty("status").GetString()!, checks);
    }

    private sealed record Probe(HttpStatusCode Status, string Body, Dictionary<string, string> Checks);
}
