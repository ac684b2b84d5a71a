using Npgsql;

namespace Tanager.Tests.Infrastructure;

/// <summary>
/// A Citus cluster on loopback: a coordinator and two workers, each a PostgreSQL 15 server of its own with Citus
/// preloaded (built from source by ../shared/tools/citus/install-citus.sh, which .ci/run calls). Started once per test
/// run; every database is made on all three nodes with the extension, and its workers registered on the coordinator.
/// </summary>
public sealed class CitusCluster
{
    private static readonly Lazy<Task<CitusCluster>> Shared = new(StartAsync);

    private CitusCluster(PostgresServer coordinator, PostgresServer[] workers)
    {
        Coordinator = coordinator;
        Workers = workers;
    }

    public PostgresServer Coordinator { get; }
    public IReadOnlyList<PostgresServer> Workers { get; }

    /// <summary>Whether Citus is installed in the PostgreSQL that the tests run (.ci/run installs it).</summary>
    public static bool Installed => Directory.GetDirectories("/usr/lib/postgresql").Any(d => File.Exists(Path.Combine(d, "lib", "citus.so")));

    public static Task<CitusCluster> GetAsync() => Shared.Value;

    private static async Task<CitusCluster> StartAsync()
    {
        if (!Installed)
        {
            throw new InvalidOperationException("Citus is not installed: run ../shared/tools/citus/install-citus.sh as root (.ci/run does).");
        }
        var nodes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => PostgresServer.StartCitusNodeAsync()));
        return new CitusCluster(nodes[0], nodes[1..]);
    }

    /// <summary>A fresh database with Citus on every node, its workers added: the coordinator's connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "c" + Guid.NewGuid().ToString("N")[..16];
        await Task.WhenAll(Workers.Append(Coordinator).Select(async node =>
        {
            await ExecuteAsync(node.ConnectionString("postgres"), $"CREATE DATABASE {name}");
            await ExecuteAsync(node.ConnectionString(name), "CREATE EXTENSION citus");
        }));
        var sql = $"SELECT citus_set_coordinator_host('127.0.0.1', {Coordinator.Port});"
            + string.Concat(Workers.Select(w => $"SELECT citus_add_node('127.0.0.1', {w.Port});"));
        // Adding a worker connects the coordinator to it; under a loaded test run that connection has failed once
        // ("failure on connection marked as essential"). Both calls are idempotent, so a failed attempt is retried.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAsync(Coordinator.ConnectionString(name), sql);
                return Coordinator.ConnectionString(name);
            }
            catch (PostgresException e) when (attempt < 4 && e.SqlState == PostgresErrorCodes.InternalError)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
        }
    }

    /// <summary>Drops a database of <see cref="CreateDatabaseAsync"/> on every node (each has a Citus maintenance daemon).</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        foreach (var node in Workers.Prepend(Coordinator))
        {
            await ExecuteAsync(node.ConnectionString("postgres"), $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    public string Url(string connectionString) => Coordinator.Url(new NpgsqlConnectionStringBuilder(connectionString).Database!);

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
