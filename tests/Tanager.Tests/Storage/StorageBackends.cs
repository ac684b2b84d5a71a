using Tanager.Storage.Postgres;
using Tanager.Storage.Sqlite;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.Storage;

public sealed class InMemoryStorageTests : StorageSpecification
{
    protected override Task<StoreUnderTest> CreateStoreAsync() => Task.FromResult(StoreUnderTest.Of(new InMemoryStore()));
}

public sealed class SqliteStorageTests : StorageSpecification
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tanager-sqlite-").FullName;

    protected override Task<StoreUnderTest> CreateStoreAsync() => Task.FromResult(StoreUnderTest.Of(new SqliteStore(Path.Combine(_directory, "tanager.db"))));

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class PostgresStorageTests : StorageSpecification
{
    private PostgresStore? _store;

    protected override async Task<StoreUnderTest> CreateStoreAsync()
    {
        var server = await PostgresServer.GetAsync();
        _store = new PostgresStore(server.ConnectionString(await server.CreateDatabaseAsync()));
        return StoreUnderTest.Of(_store);
    }

    public override async Task DisposeAsync() => await _store!.DisposeAsync();
}

/// <summary>The PostgreSQL store again, through PgBouncer in transaction pooling mode.</summary>
public sealed class PgBouncerStorageTests : StorageSpecification
{
    private PostgresStore? _store;

    protected override async Task<StoreUnderTest> CreateStoreAsync()
    {
        var server = await PostgresServer.GetAsync();
        _store = new PostgresStore(server.PgBouncerConnectionString(await server.CreateDatabaseAsync()));
        return StoreUnderTest.Of(_store);
    }

    public override async Task DisposeAsync() => await _store!.DisposeAsync();
}

/// <summary>
/// The PostgreSQL store on a Citus cluster (a coordinator and two workers): the same migrations, distributed by
/// workspace_id, and the same answers.
/// </summary>
public sealed class CitusStorageTests : StorageSpecification
{
    private PostgresStore? _store;
    private string? _database;

    protected override async Task<StoreUnderTest> CreateStoreAsync()
    {
        _database = await (await CitusCluster.GetAsync()).CreateDatabaseAsync();
        _store = new PostgresStore(_database);
        return StoreUnderTest.Of(_store);
    }

    public override async Task DisposeAsync()
    {
        await _store!.DisposeAsync();
        await (await CitusCluster.GetAsync()).DropDatabaseAsync(_database!);
    }
}
