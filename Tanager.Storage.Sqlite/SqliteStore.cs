using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Tanager.Storage.Relational;
using Tanager.Storage.Sqlite.Internal;

namespace Tanager.Storage.Sqlite;

/// <summary>
/// Every Tanager storage interface over one SQLite file in WAL mode. SQLite allows one writer at a time; sends arrive
/// in batches from the engine's group commit, so one write transaction carries many messages.
/// </summary>
public sealed partial class SqliteStore : RelationalStore, ISearchStore, IStorageMigrator
{
    // Handles whose PRAGMAs are set; weak, so a handle the pool closes is forgotten with it.
    private static readonly ConditionalWeakTable<sqlite3, sqlite3> ConfiguredHandles = new();

    private readonly string _connectionString;

    public SqliteStore(string path)
        : base(SqlDialect.Sqlite)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // foreign_keys is set with the other PRAGMAs below, once per handle: as a connection-string option
            // Microsoft.Data.Sqlite would compile and run it on every open from the pool.
            Pooling = true,
        }.ToString();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    public string StorageName => "sqlite";

    private protected override async Task<System.Data.Common.DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) => await OpenAsync(cancellationToken);

    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // The pool keeps SQLite's handle, and these settings live on it: compiling and running them on every open cost a
        // send several statement compilations (benchmarks/README.md §14). Nothing here changes them afterwards.
        var handle = connection.Handle ?? throw new InvalidOperationException("An open SQLite connection has no handle.");
        if (!ConfiguredHandles.TryGetValue(handle, out _))
        {
            try
            {
                // foreign_keys: the schema's cascades and references hold; busy_timeout: wait for the single writer
                // rather than fail; synchronous=FULL: an acknowledged send survives power loss.
                await using var pragmas = Command(connection, "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL;");
                await pragmas.ExecuteNonQueryAsync(cancellationToken);
            }
            catch
            {
                // Not configured: the handle goes back to the pool unmarked and is configured on its next open.
                await connection.DisposeAsync();
                throw;
            }
            ConfiguredHandles.AddOrUpdate(handle, handle);
        }
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    /// <summary>
    /// Makes the folder (0700) and an empty database file (0600) before SQLite does, which would use the umask (often
    /// world-readable 0644): the file holds password hashes and every message. SQLite gives its -wal and -shm files the
    /// database file's permissions. Existing files and folders are left as the operator set them.
    /// </summary>
    private void CreateOwnerOnly()
    {
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }
        CreateFolder(folder);
        if (!File.Exists(Path))
        {
            try
            {
                using var file = new FileStream(Path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
            }
            catch (IOException) when (File.Exists(Path))
            {
                // Another process or connection created it first.
            }
        }
    }

    /// <summary>Creates a missing folder and its missing parents as 0700 (the mode overload applies to the last one only).</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void CreateFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            return;
        }
        if (System.IO.Path.GetDirectoryName(folder) is { } parent && parent != folder)
        {
            CreateFolder(parent);
        }
        try
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (IOException) when (Directory.Exists(folder))
        {
        }
    }

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        // Once, before the first connection creates the file: every store is migrated before it is used.
        CreateOwnerOnly();
        await using var connection = await OpenAsync(cancellationToken);
        await using (var wal = Command(connection, "PRAGMA journal_mode = WAL;"))
        {
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var create = Command(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)", transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        // Each migration is applied unless recorded, not "everything above the highest": migrations written side by side
        // (0004 and 0005, say) land in either order, and a database that has the later one still gets the earlier one.
        var applied = new HashSet<long>();
        await using (var versions = Command(connection, "SELECT version FROM schema_migrations", transaction))
        {
            await using var reader = await versions.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt64(0));
            }
        }
        foreach (var (number, sql) in Migrations())
        {
            if (applied.Contains(number))
            {
                continue;
            }
            await using (var apply = Command(connection, sql, transaction))
            {
                await apply.ExecuteNonQueryAsync(cancellationToken);
            }
            await using var record = Command(connection, "INSERT INTO schema_migrations (version, applied_at) VALUES ($v, $t)", transaction)
                .With("$v", number).With("$t", DateTimeOffset.UtcNow.UtcTicks);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The embedded migrations, in order: files named <c>NNNN_name.sql</c>.</summary>
    private static IEnumerable<(int Number, string Sql)> Migrations()
    {
        var assembly = typeof(SqliteStore).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            yield return (int.Parse(name.AsSpan(0, 4), System.Globalization.CultureInfo.InvariantCulture), reader.ReadToEnd());
        }
    }
}
