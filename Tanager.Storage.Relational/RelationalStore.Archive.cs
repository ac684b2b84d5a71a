using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using LinqToDB.Data;
using NUlid;

namespace Tanager.Storage.Relational;

/// <summary>
/// A whole workspace row by row, for export and import, on both SQL stores. The tables and columns are
/// <see cref="WorkspaceArchive"/>'s, so the statements are made from them; each dialect's part is how a value is stored
/// (<see cref="StoredRows.ArchiveParameter"/>, <see cref="StoredRows.ArchiveValue"/>). Every statement
/// filters by the workspace (one shard under Citus).
/// </summary>
public abstract partial class RelationalStore : IWorkspaceArchiveStore
{
    /// <summary>The workspace's rows, table by table, all read at one moment while the server goes on writing.</summary>
    public async IAsyncEnumerable<ArchiveRecord> ReadArchiveAsync(Ulid workspaceId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var db = await Database.ConnectAsync(cancellationToken);
        await using var transaction = await Database.BeginSnapshotAsync(db, cancellationToken);
        var workspace = Rows.ArchiveParameter("w", ArchiveColumnKind.Id, workspaceId);
        if (await new CommandInfo(db, "SELECT count(*) FROM workspaces WHERE id = @w", workspace).ExecuteAsync<long>(cancellationToken) == 0)
        {
            yield break;
        }
        foreach (var table in WorkspaceArchive.Tables)
        {
            await using var rows = await new CommandInfo(db, table.SelectStatement("@w"), workspace).ExecuteReaderAsync(cancellationToken);
            var reader = rows.Reader!;
            while (await reader.ReadAsync(cancellationToken))
            {
                var values = new object?[table.Columns.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = Rows.ArchiveValue(reader, i, table.Columns[i].Kind);
                }
                yield return new ArchiveRecord(table, values);
            }
        }
    }

    /// <summary>
    /// Writes a workspace's rows in one transaction, into a database that does not have the workspace. A user already here
    /// (the same id) is kept as they are; another account with a user's email stops the import. Secrets are not archived:
    /// an imported user has no password (they reset it), a webhook gets an unknown token, a command a new signing secret.
    /// </summary>
    public async ValueTask<ArchiveWriteResult> WriteArchiveAsync(Ulid workspaceId, IReadOnlyList<ArchiveRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        return await Database.InTransactionCommittedIfAsync(async db =>
        {
            var workspace = Rows.ArchiveParameter("w", ArchiveColumnKind.Id, workspaceId);
            if (await new CommandInfo(db, "SELECT count(*) FROM workspaces WHERE id = @w", workspace).ExecuteAsync<long>(cancellationToken) > 0)
            {
                return ArchiveWriteResult.WorkspaceExists;
            }
            foreach (var group in records.GroupBy(r => r.Table))
            {
                var table = group.Key;
                var count = table.Columns.Count;
                var (extraColumns, extraValues) = table == WorkspaceArchive.Users ? (", email_key, password_hash, is_server_admin", ", @extra, '', @no")
                    : table == WorkspaceArchive.Webhooks ? (", token_hash", ", @extra")
                    : table == WorkspaceArchive.SlashCommands ? (", secret", ", @extra") : ("", "");
                var sql = $"""
                    INSERT INTO {table.Name} ({string.Join(", ", table.Columns.Select(c => c.Name))}{extraColumns})
                    VALUES ({string.Join(", ", table.Columns.Select((_, i) => "@p" + i))}{extraValues}){(table == WorkspaceArchive.Users ? " ON CONFLICT DO NOTHING" : "")}
                    """;
                foreach (var record in WorkspaceArchive.InWriteOrder(group))
                {
                    var parameters = table.Columns.Select((column, i) => Rows.ArchiveParameter("p" + i, column.Kind, record.Values[i])).ToList();
                    if (table == WorkspaceArchive.Users)
                    {
                        parameters.Add(new DataParameter("extra", User.EmailKey((string)record.Values[table.IndexOf("email")]!)));
                        parameters.Add(Rows.ArchiveParameter("no", ArchiveColumnKind.Boolean, false));
                    }
                    else if (table == WorkspaceArchive.Webhooks || table == WorkspaceArchive.SlashCommands)
                    {
                        parameters.Add(new DataParameter("extra", RandomNumberGenerator.GetBytes(32)));
                    }
                    if (await new CommandInfo(db, sql, [.. parameters]).ExecuteAsync(cancellationToken) == 0
                        && await new CommandInfo(db, "SELECT count(*) FROM users WHERE id = @p0", parameters[0]).ExecuteAsync<long>(cancellationToken) == 0)
                    {
                        return ArchiveWriteResult.EmailTaken;
                    }
                }
            }
            return ArchiveWriteResult.Written;
        }, result => result == ArchiveWriteResult.Written, cancellationToken);
    }
}
