using Microsoft.Data.Sqlite;
using Npgsql;
using NUlid;
using Tanager.Storage.Postgres;
using Tanager.Storage.Postgres.Internal;
using Tanager.Storage.Sqlite;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.Storage;

/// <summary>
/// Migration 0008 on a database that already has users and sessions: existing sessions become logins with an id that
/// carries their creation time (so newest-first still holds) and a last use equal to their creation.
/// </summary>
public sealed class IdentityMigrationTests
{
    private static readonly DateTimeOffset Created = new(2026, 6, 1, 8, 30, 15, 123, TimeSpan.Zero);

    private static readonly byte[] OlderHash = [.. Enumerable.Repeat((byte)1, 32)];
    private static readonly byte[] NewerHash = [.. Enumerable.Repeat((byte)2, 32)];

    [Fact]
    public async Task Sqlite_sessions_from_before_0008_become_logins_with_time_ordered_ids()
    {
        var directory = Directory.CreateTempSubdirectory("tanager-sqlite-").FullName;
        try
        {
            var path = Path.Combine(directory, "tanager.db");
            var userId = Ulid.NewUlid();
            await using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
            {
                await connection.OpenAsync();
                var assembly = typeof(SqliteStore).Assembly;
                await ExecuteAsync(connection, "CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)");
                foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
                {
                    var number = int.Parse(name.AsSpan(0, 4), System.Globalization.CultureInfo.InvariantCulture);
                    if (number >= 8)
                    {
                        continue;
                    }
                    using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                    await ExecuteAsync(connection, await reader.ReadToEndAsync());
                    await ExecuteAsync(connection, $"INSERT INTO schema_migrations VALUES ({number}, 0)");
                }
                await ExecuteAsync(connection, "INSERT INTO users (id, email, email_key, display_name, password_hash, created_at, updated_at) VALUES ($id, 'a@example.test', 'a@example.test', 'A', 'x', $t, $t)",
                    ("$id", userId.ToByteArray()), ("$t", Created.UtcTicks));
                await ExecuteAsync(connection, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($h, $u, $c, $e)",
                    ("$h", OlderHash), ("$u", userId.ToByteArray()), ("$c", Created.UtcTicks), ("$e", Created.AddDays(30).UtcTicks));
                await ExecuteAsync(connection, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($h, $u, $c, $e)",
                    ("$h", NewerHash), ("$u", userId.ToByteArray()), ("$c", Created.AddSeconds(5).UtcTicks), ("$e", Created.AddDays(30).UtcTicks));
            }

            var store = new SqliteStore(path);
            await store.MigrateAsync();
            await AssertUpgradedAsync(store, userId);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_sessions_from_before_0008_become_logins_with_time_ordered_ids()
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = server.ConnectionString(await server.CreateDatabaseAsync());
        var userId = Ulid.NewUlid();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, "CREATE TABLE schema_migrations (version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
            foreach (var (number, sql) in PostgresMigrations.All().Where(m => m.Number < 8))
            {
                await ExecuteAsync(connection, sql);
                await ExecuteAsync(connection, "INSERT INTO schema_migrations (version) VALUES ($1)", number);
            }
            var id = new Guid(userId.ToByteArray(), bigEndian: true);
            await ExecuteAsync(connection, "INSERT INTO users (id, email, email_key, display_name, password_hash, created_at, updated_at) VALUES ($1, 'a@example.test', 'a@example.test', 'A', 'x', $2, $2)", id, Created);
            await ExecuteAsync(connection, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)", OlderHash, id, Created, Created.AddDays(30));
            await ExecuteAsync(connection, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)", NewerHash, id, Created.AddSeconds(5), Created.AddDays(30));
        }

        await using var store = new PostgresStore(connectionString);
        await store.MigrateAsync();
        await AssertUpgradedAsync(store, userId);
    }

    private static async Task AssertUpgradedAsync(IUserStore store, Ulid userId)
    {
        var user = await store.GetAsync(userId);
        Assert.NotNull(user);
        Assert.Equal((UserKind.Human, (Ulid?)null, (string?)null, false, (DateTimeOffset?)null), (user.Kind, user.OwnerId, user.ExternalId, user.IsServerAdmin, user.DeactivatedAt));

        var older = (await store.GetSessionAsync(OlderHash))!.Session;
        Assert.Equal((CredentialKind.Login, Created, (string?)null, (IReadOnlyList<string>?)null, (Ulid?)null), (older.Kind, older.LastUsedAt, older.Name, older.Scopes, older.ParentId));
        Assert.Equal(Created, older.Id.Time);
        var newer = (await store.GetSessionAsync(NewerHash))!.Session;
        Assert.Equal(Created.AddSeconds(5), newer.Id.Time);
        Assert.Equal([newer.Id, older.Id], (await store.ListSessionsAsync(userId, CredentialKind.Login)).Select(s => s.Id));

        // The upgraded rows behave like new ones.
        await store.TouchSessionAsync(older.Id, Created.AddDays(1), "agent", null);
        Assert.Equal(Created.AddDays(1), (await store.GetSessionAsync(OlderHash))!.Session.LastUsedAt);
        Assert.Equal([newer.Id], await store.DeleteSessionsAsync(userId, CredentialKind.Login, null, older.Id));
        Assert.Equal(1, await store.DeleteExpiredSessionsAsync(Created.AddDays(31), Created));
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await command.ExecuteNonQueryAsync();
    }
}
