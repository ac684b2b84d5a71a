using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;
using NUlid;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>A whole workspace row by row, for export and import. Every statement filters by workspace_id (one shard under Citus).</summary>
public sealed partial class PostgresStore : IWorkspaceArchiveStore
{
    public async IAsyncEnumerable<ArchiveRecord> ReadArchiveAsync(Ulid workspaceId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // Repeatable read: every table is read at one moment while the server goes on writing.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM workspaces WHERE id = $1", connection, transaction).With(Uuid(workspaceId)))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                yield break;
            }
        }
        foreach (var table in WorkspaceArchive.Tables)
        {
            await using var command = new NpgsqlCommand(table.SelectStatement("$1"), connection, transaction).With(Uuid(workspaceId));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var values = new object?[table.Columns.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = reader.IsDBNull(i) ? null : table.Columns[i].Kind switch
                    {
                        ArchiveColumnKind.Id => reader.GetUlid(i),
                        // smallint, integer and bigint columns alike.
                        ArchiveColumnKind.Integer => Convert.ToInt64(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture),
                        ArchiveColumnKind.Boolean => reader.GetBoolean(i),
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
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM workspaces WHERE id = $1", connection, transaction).With(Uuid(workspaceId)))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return ArchiveWriteResult.WorkspaceExists;
            }
        }
        foreach (var group in records.GroupBy(r => r.Table))
        {
            var table = group.Key;
            var count = table.Columns.Count;
            var (extraColumns, extraValues) = table == WorkspaceArchive.Users ? (", email_key, password_hash, is_server_admin", $", ${count + 1}, '', false")
                : table == WorkspaceArchive.Webhooks ? (", token_hash", $", ${count + 1}")
                : table == WorkspaceArchive.SlashCommands ? (", secret", $", ${count + 1}") : ("", "");
            var sql = $"""
                INSERT INTO {table.Name} ({string.Join(", ", table.Columns.Select(c => c.Name))}{extraColumns})
                VALUES ({string.Join(", ", table.Columns.Select((_, i) => "$" + (i + 1)))}{extraValues}){(table == WorkspaceArchive.Users ? " ON CONFLICT DO NOTHING" : "")}
                """;
            foreach (var record in WorkspaceArchive.InWriteOrder(group))
            {
                await using var insert = new NpgsqlCommand(sql, connection, transaction);
                for (var i = 0; i < count; i++)
                {
                    insert.Parameters.Add(Parameter(table.Columns[i].Kind, record.Values[i]));
                }
                if (table == WorkspaceArchive.Users)
                {
                    insert.Parameters.Add(new NpgsqlParameter { Value = User.EmailKey((string)record.Values[table.IndexOf("email")]!) });
                }
                else if (table == WorkspaceArchive.Webhooks || table == WorkspaceArchive.SlashCommands)
                {
                    // Secrets are not archived: a webhook gets an unknown token, a command a new signing secret.
                    insert.Parameters.Add(new NpgsqlParameter { Value = RandomNumberGenerator.GetBytes(32) });
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

    private static NpgsqlParameter Parameter(ArchiveColumnKind kind, object? value) => new()
    {
        NpgsqlDbType = kind switch
        {
            ArchiveColumnKind.Id => NpgsqlDbType.Uuid,
            ArchiveColumnKind.Integer => NpgsqlDbType.Bigint,
            ArchiveColumnKind.Boolean => NpgsqlDbType.Boolean,
            ArchiveColumnKind.Time => NpgsqlDbType.TimestampTz,
            ArchiveColumnKind.Json => NpgsqlDbType.Jsonb,
            _ => NpgsqlDbType.Text,
        },
        Value = value switch
        {
            null => DBNull.Value,
            Ulid id => Uuid(id),
            _ => value,
        },
    };

    private static async Task<bool> UserExistsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Ulid userId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT 1 FROM users WHERE id = $1", connection, transaction).With(Uuid(userId));
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }
}
