using Microsoft.Data.Sqlite;
using Tanager.Storage.Sqlite;

namespace Tanager.Tests.Storage;

/// <summary>
/// The store sets its PRAGMAs once per SQLite handle and relies on the pool keeping them: every connection it hands out,
/// new or from the pool, must still enforce foreign keys, wait for the writer and sync fully.
/// </summary>
public sealed class SqliteConnectionSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tanager-sqlite-settings-").FullName;

    [Fact]
    public async Task Every_connection_from_the_pool_keeps_the_stores_settings()
    {
        var store = new SqliteStore(Path.Combine(_directory, "tanager.db"));
        await store.MigrateAsync(CancellationToken.None);

        object? firstHandle = null;
        for (var open = 0; open < 3; open++)
        {
            await using var connection = await store.OpenAsync(CancellationToken.None);
            firstHandle ??= connection.Handle;
            // The pool hands the same handle back, so the opens after the first are the ones that skip the PRAGMAs.
            Assert.Same(firstHandle, connection.Handle);
            Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA foreign_keys;"));
            Assert.Equal(2L, await ScalarAsync(connection, "PRAGMA synchronous;"));
            Assert.Equal(10_000L, await ScalarAsync(connection, "PRAGMA busy_timeout;"));
        }

        // Two connections at once: the second is a new handle and gets the settings too.
        await using var one = await store.OpenAsync(CancellationToken.None);
        await using var two = await store.OpenAsync(CancellationToken.None);
        Assert.NotSame(one.Handle, two.Handle);
        Assert.Equal(1L, await ScalarAsync(two, "PRAGMA foreign_keys;"));
        Assert.Equal(2L, await ScalarAsync(two, "PRAGMA synchronous;"));
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
