using System.Buffers;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Tanager.Storage.Postgres;
using Tanager.Storage.Postgres.Internal;
using Tanager.Storage.Sqlite;

namespace Tanager.Server.DataMigration;

/// <summary>What a finished run did: rows per table, every table verified equal on both sides.</summary>
internal sealed record DataMigrationResult(IReadOnlyList<(string Table, long Rows)> Tables, bool Resumed);

/// <summary>
/// Copies a Tanager SQLite database into an empty PostgreSQL database, table by table in key order, in batches that
/// each commit with a record of how far the copy got (so a stopped run resumes where it stopped), then reads both sides
/// in full and compares every table's digest. The source is read in one snapshot (a read transaction), so a copy is
/// consistent; the server should still be stopped first, since what it writes after the snapshot is not copied (and a
/// resumed run would then fail verification rather than lose it silently).
/// </summary>
internal sealed class DataMigrator(string sqlitePath, string postgresUrl, int batchSize, ProgressBar progress, TextWriter log)
{
    /// <summary>The target's record of a run in progress: per table and pass, the last key committed and the rows so far.</summary>
    public const string ProgressTable = "tanager_data_migration";

    private const string SourceRow = "";

    public async Task<DataMigrationResult> RunAsync(CancellationToken cancellationToken)
    {
        // Both schemas at this version first: the source's as `tanager serve` would upgrade it, the target's created.
        await new SqliteStore(sqlitePath).MigrateAsync(cancellationToken);
        SqliteConnection.ClearAllPools();
        await using (var store = new PostgresStore(postgresUrl))
        {
            await store.MigrateAsync(cancellationToken);
        }

        await using var target = new NpgsqlConnection(PostgresConnectionString.Normalize(postgresUrl));
        await target.OpenAsync(cancellationToken);
        await using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = sqlitePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await source.OpenAsync(cancellationToken);
        // One snapshot for the copy and the verification (WAL: a running writer does not block it, nor it the writer).
        await using var snapshot = (SqliteTransaction)await source.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);

        var plan = await MigrationPlan.ReadAsync(target, cancellationToken);
        await CheckSourceAsync(source, snapshot, plan, cancellationToken);
        var state = await StartOrResumeAsync(target, plan, cancellationToken);
        if (state.Count > 0)
        {
            await log.WriteLineAsync($"Resuming the copy into this database where the last run stopped.");
        }

        await log.WriteLineAsync($"Copying {plan.Count} tables:");
        foreach (var table in plan)
        {
            await CopyAsync(source, snapshot, target, table, state, cancellationToken);
        }

        await log.WriteLineAsync("Verifying: every row of every table, read back from both databases.");
        var rows = new List<(string, long)>(plan.Count);
        var different = new List<string>();
        foreach (var table in plan)
        {
            var expected = await DigestSourceAsync(source, snapshot, table, cancellationToken);
            var actual = await DigestTargetAsync(target, table, cancellationToken);
            if (expected != actual)
            {
                different.Add($"{table.Name} ({expected.Rows} rows in SQLite, {actual.Rows} in PostgreSQL{(expected.Rows == actual.Rows ? ", contents differ" : "")})");
            }
            rows.Add((table.Name, expected.Rows));
        }
        if (different.Count > 0)
        {
            throw new DataMigrationException(
                $"Verification failed: {string.Join("; ", different)}. Did the server write to the SQLite database since the copy began? " +
                "Stop it, drop and re-create the PostgreSQL database, and run migrate-data again.");
        }
        await using (var drop = new NpgsqlCommand($"DROP TABLE {ProgressTable}", target))
        {
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
        return new DataMigrationResult(rows, state.Count > 0);
    }

    /// <summary>Every table the target has must be in the source with every column, and the source may hold no other table.</summary>
    private static async Task CheckSourceAsync(SqliteConnection source, SqliteTransaction snapshot, IReadOnlyList<MigrationTable> plan, CancellationToken cancellationToken)
    {
        var tables = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        await using (var command = new SqliteCommand(
            "SELECT m.name, p.name FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'messages_fts%'",
            source, snapshot))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                (tables.TryGetValue(reader.GetString(0), out var set) ? set : tables[reader.GetString(0)] = new(StringComparer.Ordinal)).Add(reader.GetString(1));
            }
        }
        foreach (var table in plan)
        {
            if (!tables.TryGetValue(table.Name, out var columns))
            {
                throw new DataMigrationException($"The SQLite database has no table {table.Name}: it is not a Tanager database of this version.");
            }
            if (table.Columns.FirstOrDefault(c => !columns.Contains(c.Name)) is { } missing)
            {
                throw new DataMigrationException($"The SQLite table {table.Name} has no column {missing.Name}: it is not a Tanager database of this version.");
            }
        }
        var extra = tables.Keys.Where(t => !MigrationPlan.NotCopied.Contains(t) && plan.All(p => p.Name != t)).Order(StringComparer.Ordinal).ToList();
        if (extra.Count > 0)
        {
            throw new DataMigrationException($"The SQLite database has tables PostgreSQL has not ({string.Join(", ", extra)}); nothing was copied, so that nothing is left behind.");
        }
    }

    /// <summary>
    /// A fresh start needs an empty target (it then records which file it copies from); a resumed one, the same source.
    /// Returns the committed position of every table pass so far.
    /// </summary>
    private async Task<Dictionary<(string, int), (string[] Key, long Copied)>> StartOrResumeAsync(NpgsqlConnection target, IReadOnlyList<MigrationTable> plan, CancellationToken cancellationToken)
    {
        var sourceName = Path.GetFullPath(sqlitePath);
        var state = new Dictionary<(string, int), (string[], long)>();
        await using (var exists = new NpgsqlCommand($"SELECT to_regclass('{ProgressTable}') IS NOT NULL", target))
        {
            if ((bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                await using var read = new NpgsqlCommand($"SELECT table_name, pass, last_key, copied FROM {ProgressTable}", target);
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    state[(reader.GetString(0), reader.GetInt32(1))] = (reader.GetFieldValue<string[]>(2), reader.GetInt64(3));
                }
                if (!state.Remove((SourceRow, 0), out var recorded) || recorded.Item1.SingleOrDefault() != sourceName)
                {
                    throw new DataMigrationException($"This PostgreSQL database holds a copy begun from another SQLite file ({(recorded.Item1 is { Length: 1 } ? recorded.Item1[0] : "unknown")}); drop and re-create it to start again.");
                }
                return state;
            }
        }
        foreach (var table in plan)
        {
            await using var any = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM \"{table.Name}\")", target);
            if ((bool)(await any.ExecuteScalarAsync(cancellationToken))!)
            {
                throw new DataMigrationException($"The PostgreSQL database already holds data (table {table.Name}); migrate-data copies only into an empty database, or resumes a copy of its own.");
            }
        }
        await using (var create = new NpgsqlCommand($"CREATE TABLE {ProgressTable} (table_name text NOT NULL, pass integer NOT NULL, last_key text[] NOT NULL, copied bigint NOT NULL, PRIMARY KEY (table_name, pass))", target))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        await SaveAsync(target, null, SourceRow, 0, [sourceName], 0, cancellationToken);
        return state;
    }

    private async Task CopyAsync(SqliteConnection source, SqliteTransaction snapshot, NpgsqlConnection target, MigrationTable table, Dictionary<(string, int), (string[] Key, long Copied)> state, CancellationToken cancellationToken)
    {
        long total;
        await using (var count = new SqliteCommand($"SELECT count(*) FROM \"{table.Name}\"", source, snapshot))
        {
            total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }
        var keyOrdinals = table.Key.Select(k => table.Columns.ToList().FindIndex(c => c.Name == k)).ToArray();
        var types = table.Columns.Select(c => ColumnValues.PostgresType(c.Kind)).ToArray();
        long done = 0;
        for (var pass = 0; pass < table.Passes.Count; pass++)
        {
            object[]? key = null;
            long copied = 0;
            if (state.TryGetValue((table.Name, pass), out var saved))
            {
                key = [.. saved.Key.Select(DecodeKey)];
                copied = saved.Copied;
            }
            done += copied;
            progress.Report(table.Name, done, total, finished: false);
            while (true)
            {
                var rows = await ReadBatchAsync(source, snapshot, table, table.Passes[pass], key, cancellationToken);
                if (rows.Count == 0)
                {
                    break;
                }
                await using var transaction = await target.BeginTransactionAsync(cancellationToken);
                await using (var import = await target.BeginBinaryImportAsync($"COPY \"{table.Name}\" ({table.ColumnList}) FROM STDIN (FORMAT BINARY)", cancellationToken))
                {
                    foreach (var row in rows)
                    {
                        await import.StartRowAsync(cancellationToken);
                        for (var i = 0; i < row.Length; i++)
                        {
                            if (ColumnValues.ToPostgres(table.Columns[i], row[i]) is { } value)
                            {
                                await import.WriteAsync(value, types[i], cancellationToken);
                            }
                            else
                            {
                                await import.WriteNullAsync(cancellationToken);
                            }
                        }
                    }
                    await import.CompleteAsync(cancellationToken);
                }
                key = [.. keyOrdinals.Select(i => rows[^1][i]!)];
                copied += rows.Count;
                await SaveAsync(target, transaction, table.Name, pass, [.. key.Select(EncodeKey)], copied, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                done += rows.Count;
                progress.Report(table.Name, done, total, finished: false);
            }
        }
        progress.Report(table.Name, done, total, finished: true);
    }

    private static async Task SaveAsync(NpgsqlConnection target, NpgsqlTransaction? transaction, string table, int pass, string[] key, long copied, CancellationToken cancellationToken)
    {
        await using var save = new NpgsqlCommand(
            $"INSERT INTO {ProgressTable} VALUES ($1, $2, $3, $4) ON CONFLICT (table_name, pass) DO UPDATE SET last_key = excluded.last_key, copied = excluded.copied",
            target, transaction);
        save.Parameters.Add(new NpgsqlParameter { Value = table });
        save.Parameters.Add(new NpgsqlParameter { Value = pass });
        save.Parameters.Add(new NpgsqlParameter { Value = key });
        save.Parameters.Add(new NpgsqlParameter { Value = copied });
        await save.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The next rows of a pass after <paramref name="after"/> in key order (SQLite compares row values by its key index).</summary>
    private async Task<List<object?[]>> ReadBatchAsync(SqliteConnection source, SqliteTransaction snapshot, MigrationTable table, string? filter, object[]? after, CancellationToken cancellationToken)
    {
        var keys = string.Join(", ", table.Key.Select(k => $"\"{k}\""));
        var conditions = new List<string>(2);
        if (filter is not null)
        {
            conditions.Add(filter);
        }
        if (after is not null)
        {
            conditions.Add($"({keys}) > ({string.Join(", ", after.Select((_, i) => $"$k{i}"))})");
        }
        var where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        await using var command = new SqliteCommand($"SELECT {table.ColumnList} FROM \"{table.Name}\"{where} ORDER BY {keys} LIMIT {batchSize}", source, snapshot);
        for (var i = 0; after is not null && i < after.Length; i++)
        {
            command.Parameters.AddWithValue($"$k{i}", after[i]);
        }
        var rows = new List<object?[]>(batchSize);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[table.Columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            rows.Add(row);
        }
        return rows;
    }

    private static async Task<TableDigest> DigestSourceAsync(SqliteConnection source, SqliteTransaction snapshot, MigrationTable table, CancellationToken cancellationToken)
    {
        var digest = default(TableDigest);
        var row = new ArrayBufferWriter<byte>(256);
        await using var command = new SqliteCommand($"SELECT {table.ColumnList} FROM \"{table.Name}\"", source, snapshot);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            row.ResetWrittenCount();
            for (var i = 0; i < table.Columns.Count; i++)
            {
                ColumnValues.AppendSqlite(row, table.Columns[i], reader.IsDBNull(i) ? null : reader.GetValue(i));
            }
            digest = digest.Add(ColumnValues.Hash(row.WrittenSpan));
        }
        return digest;
    }

    private static async Task<TableDigest> DigestTargetAsync(NpgsqlConnection target, MigrationTable table, CancellationToken cancellationToken)
    {
        var digest = default(TableDigest);
        var row = new ArrayBufferWriter<byte>(256);
        await using var command = new NpgsqlCommand($"SELECT {table.ColumnList} FROM \"{table.Name}\"", target);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            row.ResetWrittenCount();
            for (var i = 0; i < table.Columns.Count; i++)
            {
                ColumnValues.AppendPostgres(row, table.Columns[i], reader, i);
            }
            digest = digest.Add(ColumnValues.Hash(row.WrittenSpan));
        }
        return digest;
    }

    /// <summary>A key value as the progress table keeps it: its SQLite storage class, then the value.</summary>
    private static string EncodeKey(object value) => value switch
    {
        long number => "i" + number.ToString(CultureInfo.InvariantCulture),
        string text => "s" + text,
        byte[] bytes => "x" + Convert.ToHexString(bytes),
        _ => throw new DataMigrationException($"A key holds a {value.GetType().Name}, which the SQLite store never writes."),
    };

    private static object DecodeKey(string value) => value[0] switch
    {
        'i' => long.Parse(value.AsSpan(1), CultureInfo.InvariantCulture),
        's' => value[1..],
        'x' => Convert.FromHexString(value.AsSpan(1)),
        _ => throw new DataMigrationException($"The progress table holds a key this version did not write ({value}); drop and re-create the database to start again."),
    };
}
