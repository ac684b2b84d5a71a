using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>A whole workspace row by row, for export and import.</summary>
public sealed partial class SqliteStore : IWorkspaceArchiveStore
{
    public async IAsyncEnumerable<ArchiveRecord> ReadArchiveAsync(Ulid workspaceId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // One read transaction: the rows are one moment's, while the server goes on writing (WAL readers see a snapshot).
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var exists = Command(connection, "SELECT 1 FROM workspaces WHERE id = $w", transaction).With("$w", Blob(workspaceId)))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                yield break;
            }
        }
        foreach (var table in WorkspaceArchive.Tables)
        {
            await using var command = Command(connection, table.SelectStatement("$w"), transaction).With("$w", Blob(workspaceId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var values = new object?[table.Columns.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = reader.IsDBNull(i) ? null : table.Columns[i].Kind switch
                    {
                        ArchiveColumnKind.Id => reader.GetUlid(i),
                        ArchiveColumnKind.Integer => reader.GetInt64(i),
                        ArchiveColumnKind.Boolean => reader.GetInt64(i) != 0,
                        ArchiveColumnKind.Time => reader.GetTime(i),
                        _ => reader.GetString(i),
                    };
                }
                yield return new ArchiveRecord(table, values);
            }
        }
    }

    public async ValueTask<ArchiveWriteResult> WriteArchiveAsync(Ulid workspaceId, IReadOnlyList<ArchiveRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var exists = Command(connection, "SELECT 1 FROM workspaces WHERE id = $w", transaction).With("$w", Blob(workspaceId)))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return ArchiveWriteResult.WorkspaceExists;
            }
        }
        foreach (var group in records.GroupBy(r => r.Table))
        {
            var table = group.Key;
            var (extraColumns, extraValues) = table == WorkspaceArchive.Users ? (", email_key, password_hash, is_server_admin", ", $key, '', 0")
                : table == WorkspaceArchive.Webhooks ? (", token_hash", ", $hash")
                : table == WorkspaceArchive.SlashCommands ? (", secret", ", $hash") : ("", "");
            var conflict = table == WorkspaceArchive.Users ? " ON CONFLICT DO NOTHING" : "";
            await using var insert = Command(connection, $"""
                INSERT INTO {table.Name} ({string.Join(", ", table.Columns.Select(c => c.Name))}{extraColumns})
                VALUES ({string.Join(", ", table.Columns.Select((_, i) => "$p" + i))}{extraValues}){conflict}
                """, transaction);
            foreach (var record in WorkspaceArchive.InWriteOrder(group))
            {
                insert.Parameters.Clear();
                for (var i = 0; i < table.Columns.Count; i++)
                {
                    insert.With("$p" + i, record.Values[i] switch
                    {
                        Ulid id => Blob(id),
                        DateTimeOffset time => Ticks(time),
                        bool flag => flag ? 1L : 0L,
                        var value => value,
                    });
                }
                if (table == WorkspaceArchive.Users)
                {
                    insert.With("$key", User.EmailKey((string)record.Values[table.IndexOf("email")]!));
                }
                else if (table == WorkspaceArchive.Webhooks || table == WorkspaceArchive.SlashCommands)
                {
                    // Secrets are not archived: a webhook gets an unknown token, a command a new signing secret.
                    insert.With("$hash", RandomNumberGenerator.GetBytes(32));
                }
                if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0 && !await UserExistsAsync(connection, transaction, (Ulid)record.Values[0]!, cancellationToken))
                {
                    return ArchiveWriteResult.EmailTaken;
                }
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return ArchiveWriteResult.Written;
    }

    private static async Task<bool> UserExistsAsync(SqliteConnection connection, SqliteTransaction transaction, Ulid userId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT 1 FROM users WHERE id = $id", transaction).With("$id", Blob(userId));
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }
}
