using Npgsql;
using Tanager.Storage.Postgres;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.Storage;

public sealed class PostgresMigrationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Nodes_migrating_an_empty_database_at_once_apply_each_migration_exactly_once(bool throughPgBouncer)
    {
        var server = await PostgresServer.GetAsync();
        var database = await server.CreateDatabaseAsync();
        var connectionString = throughPgBouncer ? server.PgBouncerConnectionString(database) : server.ConnectionString(database);
        var nodes = Enumerable.Range(0, 4).Select(_ => new PostgresStore(connectionString)).ToList();

        await Task.WhenAll(nodes.Select(n => n.MigrateAsync()));

        await using var connection = new NpgsqlConnection(server.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT array_agg(version ORDER BY version) FROM schema_migrations", connection);
        var applied = (int[])(await command.ExecuteScalarAsync())!;
        Assert.Equal(Tanager.Storage.Postgres.Internal.PostgresMigrations.All().Select(m => m.Number), applied);
        Assert.True(applied.Length >= 3);
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
    }
}
