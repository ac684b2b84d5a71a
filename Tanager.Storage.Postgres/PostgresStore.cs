using Microsoft.Extensions.Logging;
using Npgsql;
using Tanager.Storage.Postgres.Internal;
using Tanager.Storage.Relational;

namespace Tanager.Storage.Postgres;

/// <summary>
/// Every Tanager storage interface over PostgreSQL. Statements are plain SQL with positional parameters and no session
/// state, so the store works through PgBouncer in transaction pooling mode; migrations hold a transaction-level
/// advisory lock so that nodes starting together apply them once.
/// </summary>
public sealed partial class PostgresStore : RelationalStore, ISearchStore, IStorageMigrator, IAsyncDisposable
{
    /// <summary>Any fixed number: it names the lock that serializes migrations across nodes.</summary>
    private const long MigrationLockKey = 0x7A_6E_61_67_65_72; // "tanager" truncated

    private readonly NpgsqlDataSource _dataSource;

    /// <param name="connectionString">A <c>postgres://</c> URL or an Npgsql connection string.</param>
    /// <param name="loggerFactory">
    /// Where Npgsql's own logs go (connections, commands and their timings at Debug, errors, never parameter values);
    /// <see cref="PostgresTanagerBuilderExtensions.UsePostgres"/> passes the host's. Null logs nothing.
    /// </param>
    public PostgresStore(string connectionString, ILoggerFactory? loggerFactory = null)
        : base(SqlDialect.Postgres)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlDataSourceBuilder(PostgresConnectionString.Normalize(connectionString));
        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }
        _dataSource = builder.Build();
    }

    public string StorageName => "postgresql";

    private protected override async Task<System.Data.Common.DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    private NpgsqlCommand Command(string sql) => _dataSource.CreateCommand(sql);

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, "SELECT pg_advisory_xact_lock($1)", cancellationToken, MigrationLockKey);
        await Execute(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken);
        // Each migration is applied unless recorded, not "everything above the highest": migrations written side by side
        // (0004 and 0005, say) land in either order, and a database that has the later one still gets the earlier one.
        var applied = new HashSet<int>();
        await using (var versionCommand = new NpgsqlCommand("SELECT version FROM schema_migrations", connection))
        await using (var reader = await versionCommand.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }
        await using var citusCommand = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')", connection);
        var citus = (bool)(await citusCommand.ExecuteScalarAsync(cancellationToken))!;
        if (citus)
        {
            // Migrations distribute tables (shards made over parallel connections) and add foreign keys in one transaction;
            // Citus allows that only in sequential mode. SET LOCAL lasts this transaction, so PgBouncer is fine.
            await Execute(connection, "SET LOCAL citus.multi_shard_modify_mode TO 'sequential'", cancellationToken);
        }
        foreach (var (number, sql) in PostgresMigrations.All())
        {
            if (applied.Contains(number))
            {
                continue;
            }
            await Execute(connection, sql, cancellationToken);
            if (number == 1 && citus)
            {
                await Execute(connection, PostgresMigrations.Citus(), cancellationToken);
            }
            await Execute(connection, "INSERT INTO schema_migrations (version) VALUES ($1)", cancellationToken, number);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection).With(parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
