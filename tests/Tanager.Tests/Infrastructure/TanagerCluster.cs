using System.Net.Http.Json;

namespace Tanager.Tests.Infrastructure;

/// <summary>
/// Several <c>tanager serve</c> processes sharing one PostgreSQL database and one nats-server of their own, behind a
/// <see cref="TcpBalancer"/>: the multi-node deployment of docs/deployment.md, on loopback.
/// </summary>
internal sealed class TanagerCluster : IAsyncDisposable
{
    private static string TanagerDll => Path.Combine(Repository.Root, "Tanager.Server", "bin", Repository.Configuration, "net10.0", "tanager.dll");

    private readonly ChildProcess?[] _nodes;
    private readonly string _databaseUrl;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private TanagerCluster(int[] ports, string databaseUrl, NatsServer nats)
    {
        Ports = ports;
        _nodes = new ChildProcess?[ports.Length];
        _databaseUrl = databaseUrl;
        Nats = nats;
        Balancer = new TcpBalancer(ports);
    }

    public int[] Ports { get; }
    public NatsServer Nats { get; }
    public TcpBalancer Balancer { get; }
    public Uri NodeUrl(int node) => new($"http://127.0.0.1:{Ports[node]}/");

    public static async Task<TanagerCluster> StartAsync(int nodes)
    {
        var postgres = await PostgresServer.GetAsync();
        var databaseUrl = postgres.Url(await postgres.CreateDatabaseAsync());
        var nats = await NatsServer.StartAsync();
        var cluster = new TanagerCluster([.. Enumerable.Range(0, nodes).Select(_ => Infrastructure.Ports.Free())], databaseUrl, nats);
        // One at a time: the first node migrates the empty database; the others find it migrated.
        for (var i = 0; i < nodes; i++)
        {
            await cluster.StartNodeAsync(i);
        }
        return cluster;
    }

    public async Task StartNodeAsync(int node)
    {
        var process = ChildProcess.Start("dotnet", [TanagerDll, "serve", "--listen", $"http://127.0.0.1:{Ports[node]}", "--database-url", _databaseUrl, "--nats-url", Nats.Url], new Dictionary<string, string>
        {
            // Argon2 at its minimum: the tests exercise delivery, not password hashing.
            ["TANAGER_Tanager__PasswordMemoryKiB"] = "64",
            ["TANAGER_Tanager__PasswordIterations"] = "1",
            ["TANAGER_Tanager__AllowDirectMemberAdd"] = "true",
        });
        _nodes[node] = process;
        var healthy = await Eventually.UntilAsync(async () =>
        {
            try
            {
                using var response = await _http.GetAsync(new Uri(NodeUrl(node), "health"));
                return response.IsSuccessStatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                return process.HasExited;
            }
        }, 60);
        if (!healthy || process.HasExited)
        {
            throw new InvalidOperationException($"Node {node} did not start.\n{string.Join('\n', process.Lines)}\n{process.Errors}");
        }
    }

    /// <summary>kill -9: the node gets no chance to say goodbye.</summary>
    public async Task KillNodeAsync(int node)
    {
        if (_nodes[node] is { } process)
        {
            _nodes[node] = null;
            await process.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Balancer.DisposeAsync();
        for (var i = 0; i < _nodes.Length; i++)
        {
            await KillNodeAsync(i);
        }
        await Nats.DisposeAsync();
        _http.Dispose();
    }
}
