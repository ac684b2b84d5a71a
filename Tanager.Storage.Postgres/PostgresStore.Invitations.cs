using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>
/// Personal workspace invitations, addressed to an email key. Saving, accepting and declining filter by the workspace (one
/// shard under Citus); only the invitee's list filters by address alone and so reads every shard.
/// </summary>
public sealed partial class PostgresStore
{
    private const string InvitationColumns = "workspace_id, id, email_key, user_id, role, invited_by, created_at, expires_at";

    public async ValueTask<WorkspaceInvitation> SaveInvitationAsync(WorkspaceInvitation invitation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        await using var command = Command($"""
            INSERT INTO workspace_invitations AS i ({InvitationColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (workspace_id, email_key) DO UPDATE SET role = excluded.role, invited_by = excluded.invited_by, expires_at = excluded.expires_at,
                user_id = coalesce(excluded.user_id, i.user_id)
            RETURNING {InvitationColumns}
            """)
            .With(Uuid(invitation.WorkspaceId), Uuid(invitation.Id), invitation.EmailKey, Uuid(invitation.UserId), invitation.Role.ToWire(), Uuid(invitation.InvitedBy),
                invitation.CreatedAt, invitation.ExpiresAt);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ReadInvitation(reader);
    }

    public async ValueTask<IReadOnlyList<WorkspaceInvitation>> ListInvitationsForAsync(string emailKey, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {InvitationColumns} FROM workspace_invitations WHERE email_key = $1 AND expires_at > $2 ORDER BY created_at, id")
            .With(emailKey, now);
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
        // One statement: the membership is added only if the invitation was taken, and a member already in keeps their role.
        await using var command = Command($"""
            WITH taken AS (
                DELETE FROM workspace_invitations WHERE workspace_id = $1 AND id = $2 AND email_key = $3 AND expires_at > $5 RETURNING workspace_id, role),
            joined AS (
                INSERT INTO workspace_members ({WorkspaceMemberColumns}) SELECT workspace_id, $4, role, $5 FROM taken
                ON CONFLICT DO NOTHING RETURNING {WorkspaceMemberColumns})
            SELECT (SELECT count(*) FROM taken), j.* FROM (SELECT 1) one LEFT JOIN joined j ON true
            """).With(Uuid(workspaceId), Uuid(invitationId), emailKey, Uuid(userId), now);
        bool taken;
        WorkspaceMember? joined = null;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            taken = reader.GetInt64(0) == 1;
            if (!reader.IsDBNull(1))
            {
                joined = ReadWorkspaceMember(reader, 1);
            }
        }
        if (!taken)
        {
            return null;
        }
        if (joined is not null)
        {
            return new InvitationAcceptance(joined, Joined: true);
        }
        var existing = await GetMemberAsync(workspaceId, userId, cancellationToken);
        return existing is null ? null : new InvitationAcceptance(existing, Joined: false);
    }

    public async ValueTask<bool> DeleteInvitationAsync(Ulid workspaceId, Ulid invitationId, string emailKey, CancellationToken cancellationToken = default)
    {
        await using var command = Command("DELETE FROM workspace_invitations WHERE workspace_id = $1 AND id = $2 AND email_key = $3")
            .With(Uuid(workspaceId), Uuid(invitationId), emailKey);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static WorkspaceInvitation ReadInvitation(NpgsqlDataReader reader) =>
        new(reader.GetUlid(0), reader.GetUlid(1), reader.GetString(2), reader.GetNullableUlid(3), DtoMapping.ParseRole(reader.GetString(4)), reader.GetUlid(5),
            reader.GetTime(6), reader.GetTime(7));
}
