using Microsoft.Data.Sqlite;
using Npgsql;
using NUlid;
using Tanager.Storage.Postgres;
using Tanager.Storage.Postgres.Internal;
using Tanager.Storage.Sqlite;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.Storage;

/// <summary>
/// Migration 0018 on a database that already has slash commands: SQLite rebuilds the table to let bot_user_id be null,
/// PostgreSQL alters it in place; either way the commands bots registered before must come through unchanged, and the
/// table must take URL commands after.
/// </summary>
public sealed class SlashCommandMigrationTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Sqlite_slash_commands_from_before_0018_stay_their_bots_and_URL_commands_can_follow()
    {
        var directory = Directory.CreateTempSubdirectory("tanager-sqlite-").FullName;
        try
        {
            var path = Path.Combine(directory, "tanager.db");
            var (ownerId, botId, workspaceId, commandId) = (Ulid.NewUlid(), Ulid.NewUlid(), Ulid.NewUlid(), Ulid.NewUlid());
            byte[] secret = [.. Enumerable.Repeat((byte)7, 32)];
            await using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
            {
                await connection.OpenAsync();
                var assembly = typeof(SqliteStore).Assembly;
                await ExecuteAsync(connection, "CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)");
                foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
                {
                    var number = int.Parse(name.AsSpan(0, 4), System.Globalization.CultureInfo.InvariantCulture);
                    if (number >= 18)
                    {
                        continue;
                    }
                    using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                    await ExecuteAsync(connection, await reader.ReadToEndAsync());
                    await ExecuteAsync(connection, $"INSERT INTO schema_migrations VALUES ({number}, 0)");
                }
                foreach (var (id, email) in new[] { (ownerId, "owner@example.test"), (botId, "bot@example.test") })
                {
                    await ExecuteAsync(connection, "INSERT INTO users (id, email, email_key, display_name, password_hash, created_at, updated_at) VALUES ($id, $e, $e, 'U', 'x', $t, $t)",
                        ("$id", id.ToByteArray()), ("$e", email), ("$t", Created.UtcTicks));
                }
                await ExecuteAsync(connection, "INSERT INTO workspaces (id, name, owner_id, created_at, updated_at) VALUES ($id, 'Acme', $o, $t, $t)",
                    ("$id", workspaceId.ToByteArray()), ("$o", ownerId.ToByteArray()), ("$t", Created.UtcTicks));
                await ExecuteAsync(connection, """
                    INSERT INTO slash_commands (workspace_id, id, name, bot_user_id, description, usage_hint, secret, created_by, created_at, updated_at)
                    VALUES ($w, $id, 'deploy', $b, 'Deploy a branch', '[branch]', $s, $o, $t, $t)
                    """,
                    ("$w", workspaceId.ToByteArray()), ("$id", commandId.ToByteArray()), ("$b", botId.ToByteArray()), ("$s", secret), ("$o", ownerId.ToByteArray()), ("$t", Created.UtcTicks));
            }

            var store = new SqliteStore(path);
            await store.MigrateAsync();
            await AssertMigratedAsync(store, workspaceId, commandId, botId, ownerId, secret);
            // The table's check refuses a command with neither a bot nor a URL, whatever a store's caller does.
            await using var check = new SqliteConnection($"Data Source={path};Pooling=false");
            await check.OpenAsync();
            var refused = await Assert.ThrowsAsync<SqliteException>(() => ExecuteAsync(check, """
                INSERT INTO slash_commands (workspace_id, id, name, bot_user_id, url, description, secret, created_by, created_at, updated_at)
                VALUES ($w, $id, 'nobody', NULL, NULL, 'Nobody answers', $s, $o, 0, 0)
                """, ("$w", workspaceId.ToByteArray()), ("$id", Ulid.NewUlid().ToByteArray()), ("$s", secret), ("$o", ownerId.ToByteArray())));
            Assert.Contains("CHECK", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_slash_commands_from_before_0018_stay_their_bots_and_URL_commands_can_follow()
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = server.ConnectionString(await server.CreateDatabaseAsync());
        var (ownerId, botId, workspaceId, commandId) = (Ulid.NewUlid(), Ulid.NewUlid(), Ulid.NewUlid(), Ulid.NewUlid());
        byte[] secret = [.. Enumerable.Repeat((byte)7, 32)];
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, "CREATE TABLE schema_migrations (version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
            foreach (var (number, sql) in PostgresMigrations.All().Where(m => m.Number < 18))
            {
                await ExecuteAsync(connection, sql);
                await ExecuteAsync(connection, $"INSERT INTO schema_migrations (version) VALUES ({number})");
            }
            foreach (var (id, email) in new[] { (ownerId, "owner@example.test"), (botId, "bot@example.test") })
            {
                await ExecuteAsync(connection, "INSERT INTO users (id, email, email_key, display_name, password_hash, created_at, updated_at) VALUES ($1, $2, $2, 'U', 'x', $3, $3)",
                    PostgresValues.Uuid(id), email, Created);
            }
            await ExecuteAsync(connection, "INSERT INTO workspaces (id, name, owner_id, created_at, updated_at) VALUES ($1, 'Acme', $2, $3, $3)",
                PostgresValues.Uuid(workspaceId), PostgresValues.Uuid(ownerId), Created);
            await ExecuteAsync(connection, """
                INSERT INTO slash_commands (workspace_id, id, name, bot_user_id, description, usage_hint, secret, created_by, created_at, updated_at)
                VALUES ($1, $2, 'deploy', $3, 'Deploy a branch', '[branch]', $4, $5, $6, $6)
                """, PostgresValues.Uuid(workspaceId), PostgresValues.Uuid(commandId), PostgresValues.Uuid(botId), secret, PostgresValues.Uuid(ownerId), Created);
        }

        await using var store = new PostgresStore(connectionString);
        await store.MigrateAsync();
        await AssertMigratedAsync(store, workspaceId, commandId, botId, ownerId, secret);
        await using var check = new NpgsqlConnection(connectionString);
        await check.OpenAsync();
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(check, """
            INSERT INTO slash_commands (workspace_id, id, name, bot_user_id, url, description, secret, created_by, created_at, updated_at)
            VALUES ($1, $2, 'nobody', NULL, NULL, 'Nobody answers', $3, $4, now(), now())
            """, PostgresValues.Uuid(workspaceId), PostgresValues.Uuid(Ulid.NewUlid()), secret, PostgresValues.Uuid(ownerId)));
        Assert.Equal(PostgresErrorCodes.CheckViolation, refused.SqlState);
    }

    /// <summary>The bot's command came through unchanged; its name stays unique; the table takes a URL command after it.</summary>
    private static async Task AssertMigratedAsync(ISlashCommandStore store, Ulid workspaceId, Ulid commandId, Ulid botId, Ulid ownerId, byte[] secret)
    {
        var deploy = await store.GetSlashCommandAsync(workspaceId, "deploy");
        Assert.NotNull(deploy);
        Assert.Equal((commandId, botId, (string?)null, "Deploy a branch", "[branch]", Created), (deploy.Id, deploy.BotUserId, deploy.Url, deploy.Description, deploy.UsageHint, deploy.CreatedAt));
        Assert.Equal(secret, deploy.Secret);
        Assert.False(await store.TryCreateSlashCommandAsync(deploy with { Id = Ulid.NewUlid() }));
        var weather = new SlashCommand(Ulid.NewUlid(), workspaceId, "weather", null, "Weather", null, secret, ownerId, Created, Created) { Url = "https://hooks.example.com/weather" };
        Assert.True(await store.TryCreateSlashCommandAsync(weather));
        Assert.Equal(["deploy", "weather"], (await store.ListSlashCommandsAsync(workspaceId)).Select(c => c.Name));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        await command.ExecuteNonQueryAsync();
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
}
