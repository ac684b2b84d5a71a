using Microsoft.Data.Sqlite;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>Personal workspace invitations, addressed to an email key.</summary>
public sealed partial class SqliteStore
{
    private const string InvitationColumns = "workspace_id, id, email_key, user_id, role, invited_by, created_at, expires_at";

    public async ValueTask<WorkspaceInvitation> SaveInvitationAsync(WorkspaceInvitation invitation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            INSERT INTO workspace_invitations ({InvitationColumns}) VALUES ($ws, $id, $key, $user, $role, $by, $created, $expires)
            ON CONFLICT (workspace_id, email_key) DO UPDATE SET role = excluded.role, invited_by = excluded.invited_by, expires_at = excluded.expires_at,
                user_id = coalesce(excluded.user_id, workspace_invitations.user_id)
            RETURNING {InvitationColumns}
            """)
            .With("$ws", Blob(invitation.WorkspaceId)).With("$id", Blob(invitation.Id)).With("$key", invitation.EmailKey).With("$user", Blob(invitation.UserId))
            .With("$role", invitation.Role.ToWire()).With("$by", Blob(invitation.InvitedBy)).With("$created", Ticks(invitation.CreatedAt)).With("$expires", Ticks(invitation.ExpiresAt));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ReadInvitation(reader);
    }

    public async ValueTask<IReadOnlyList<WorkspaceInvitation>> ListInvitationsForAsync(string emailKey, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {InvitationColumns} FROM workspace_invitations WHERE email_key = $key AND expires_at > $now ORDER BY created_at, id")
            .With("$key", emailKey).With("$now", Ticks(now));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var invitations = new List<WorkspaceInvitation>();
        while (await reader.ReadAsync(cancellationToken))
        {
            invitations.Add(ReadInvitation(reader));
        }
        return invitations;
    }

    public async ValueTask<InvitationAcceptance?> AcceptInvitationAsync(Ulid workspaceId, Ulid invitationId, string emailKey, Ulid userId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        WorkspaceRole role;
        await using (var take = Command(connection, "DELETE FROM workspace_invitations WHERE workspace_id = $ws AND id = $id AND email_key = $key AND expires_at > $now RETURNING role", transaction)
            .With("$ws", Blob(workspaceId)).With("$id", Blob(invitationId)).With("$key", emailKey).With("$now", Ticks(now)))
        {
            await using var reader = await take.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            role = DtoMapping.ParseRole(reader.GetString(0));
        }
        WorkspaceMember? existing = null;
        await using (var find = Command(connection, "SELECT workspace_id, user_id, role, joined_at FROM workspace_members WHERE workspace_id = $ws AND user_id = $user", transaction)
            .With("$ws", Blob(workspaceId)).With("$user", Blob(userId)))
        {
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                existing = ReadWorkspaceMember(reader, 0);
            }
        }
        var member = existing ?? new WorkspaceMember(workspaceId, userId, role, now);
        if (existing is null)
        {
            await using var insert = InsertWorkspaceMember(connection, member, transaction);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new InvitationAcceptance(member, Joined: existing is null);
    }

    public async ValueTask<bool> DeleteInvitationAsync(Ulid workspaceId, Ulid invitationId, string emailKey, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM workspace_invitations WHERE workspace_id = $ws AND id = $id AND email_key = $key")
            .With("$ws", Blob(workspaceId)).With("$id", Blob(invitationId)).With("$key", emailKey);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static WorkspaceInvitation ReadInvitation(SqliteDataReader reader) =>
        new(reader.GetUlid(0), reader.GetUlid(1), reader.GetString(2), reader.GetNullableUlid(3), DtoMapping.ParseRole(reader.GetString(4)), reader.GetUlid(5),
            reader.GetTime(6), reader.GetTime(7));
}
