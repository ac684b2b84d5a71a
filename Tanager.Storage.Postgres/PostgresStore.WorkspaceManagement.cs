using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>
/// Workspace renames, roles, removals, ownership and invites. Every statement filters by the workspace (one shard under
/// Citus); transactions span one round trip or a few, never session state, so PgBouncer in transaction mode is fine.
/// </summary>
public sealed partial class PostgresStore
{
    private const string InviteColumns = "workspace_id, id, code_hash, role, created_by, created_at, expires_at, max_uses, uses, revoked_at";

    public async ValueTask<bool> RenameAsync(Ulid workspaceId, string name, DateTimeOffset updatedAt, CancellationToken cancellationToken = default)
    {
        await using var command = Command("UPDATE workspaces SET name = $2, updated_at = $3 WHERE id = $1").With(Uuid(workspaceId), name, updatedAt);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<WorkspaceMember?> ChangeRoleAsync(Ulid workspaceId, Ulid userId, WorkspaceRole role, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"UPDATE workspace_members SET role = $3 WHERE workspace_id = $1 AND user_id = $2 AND role <> 'owner' RETURNING {WorkspaceMemberColumns}")
            .With(Uuid(workspaceId), Uuid(userId), role.ToWire());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadWorkspaceMember(reader, 0) : null;
    }

    public async ValueTask<IReadOnlyList<ChannelMember>?> RemoveMemberAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default)
    {
        // One statement: the channel memberships go only if the workspace membership did.
        await using var command = Command($"""
            WITH removed AS (
                DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2 AND role <> 'owner' RETURNING workspace_id, user_id),
            ended AS (
                DELETE FROM channel_members cm USING removed r
                WHERE cm.workspace_id = $1 AND cm.user_id = $2 AND r.workspace_id = cm.workspace_id AND r.user_id = cm.user_id
                RETURNING cm.workspace_id, cm.channel_id, cm.user_id, cm.joined_at)
            SELECT (SELECT count(*) FROM removed), e.workspace_id, e.channel_id, e.user_id, e.joined_at
            FROM (SELECT 1) one LEFT JOIN ended e ON true
            """).With(Uuid(workspaceId), Uuid(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ended = new List<ChannelMember>();
        var removed = false;
        while (await reader.ReadAsync(cancellationToken))
        {
            removed = reader.GetInt64(0) == 1;
            if (!reader.IsDBNull(1))
            {
                ended.Add(new ChannelMember(reader.GetUlid(1), reader.GetUlid(2), reader.GetUlid(3), reader.GetTime(4)));
            }
        }
        return removed ? [.. ended.OrderBy(m => m.ChannelId)] : null;
    }

    public async ValueTask<bool> TransferOwnershipAsync(Ulid workspaceId, Ulid currentOwnerId, Ulid newOwnerId, DateTimeOffset updatedAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        (string Sql, object[] Values)[] steps =
        [
            ("UPDATE workspaces SET owner_id = $3, updated_at = $4 WHERE id = $1 AND owner_id = $2", [Uuid(workspaceId), Uuid(currentOwnerId), Uuid(newOwnerId), updatedAt]),
            ("UPDATE workspace_members SET role = 'admin' WHERE workspace_id = $1 AND user_id = $2 AND role = 'owner'", [Uuid(workspaceId), Uuid(currentOwnerId)]),
            ("UPDATE workspace_members SET role = 'owner' WHERE workspace_id = $1 AND user_id = $2 AND role <> 'owner'", [Uuid(workspaceId), Uuid(newOwnerId)]),
        ];
        foreach (var (sql, values) in steps)
        {
            // Every step changes exactly one row, or the workspace was not as the caller saw it: nothing is written.
            await using var step = new NpgsqlCommand(sql, connection, transaction).With(values);
            if (await step.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async ValueTask CreateInviteAsync(WorkspaceInvite invite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invite);
        await using var command = Command($"INSERT INTO workspace_invites ({InviteColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
            .With(Uuid(invite.WorkspaceId), Uuid(invite.Id), invite.CodeHash, invite.Role.ToWire(), Uuid(invite.CreatedBy), invite.CreatedAt, invite.ExpiresAt,
                invite.MaxUses, invite.Uses, invite.RevokedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<WorkspaceInvite>> ListInvitesAsync(Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {InviteColumns} FROM workspace_invites WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC").With(Uuid(workspaceId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var invites = new List<WorkspaceInvite>();
        while (await reader.ReadAsync(cancellationToken))
        {
            invites.Add(ReadInvite(reader));
        }
        return invites;
    }

    public async ValueTask<bool> RevokeInviteAsync(Ulid workspaceId, Ulid inviteId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default)
    {
        await using var command = Command("UPDATE workspace_invites SET revoked_at = $3 WHERE workspace_id = $1 AND id = $2 AND revoked_at IS NULL")
            .With(Uuid(workspaceId), Uuid(inviteId), revokedAt);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<InviteRedemption> RedeemInviteAsync(Ulid workspaceId, byte[] codeHash, Ulid userId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(codeHash);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // FOR UPDATE: concurrent redemptions of one invite queue here, so each sees the uses the previous one counted.
        WorkspaceInvite? invite;
        await using (var find = new NpgsqlCommand($"SELECT {InviteColumns} FROM workspace_invites WHERE workspace_id = $1 AND code_hash = $2 FOR UPDATE", connection, transaction)
            .With(Uuid(workspaceId), codeHash))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            invite = await reader.ReadAsync(cancellationToken) ? ReadInvite(reader) : null;
        }
        if (invite is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new InviteRedemption(InviteRedemptionStatus.NotFound, null, null);
        }
        // A member following an old link is simply let in, whatever state the link is in.
        await using (var existing = new NpgsqlCommand($"SELECT {WorkspaceMemberColumns} FROM workspace_members WHERE workspace_id = $1 AND user_id = $2", connection, transaction)
            .With(Uuid(workspaceId), Uuid(userId)))
        await using (var reader = await existing.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                var member = ReadWorkspaceMember(reader, 0);
                await reader.CloseAsync();
                await transaction.RollbackAsync(cancellationToken);
                return new InviteRedemption(InviteRedemptionStatus.AlreadyMember, invite, member);
            }
        }
        var status = invite.StatusAt(now);
        if (status != InviteRedemptionStatus.Joined)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new InviteRedemption(status, invite, null);
        }
        // Join if not a member, and count the use only if the join happened: one round trip.
        await using (var join = new NpgsqlCommand($"""
            WITH joined AS (
                INSERT INTO workspace_members ({WorkspaceMemberColumns}) VALUES ($1, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING user_id),
            used AS (
                UPDATE workspace_invites SET uses = uses + 1
                WHERE workspace_id = $1 AND id = $2 AND (max_uses IS NULL OR uses < max_uses) AND EXISTS (SELECT 1 FROM joined)
                RETURNING uses)
            SELECT (SELECT count(*) FROM joined), (SELECT count(*) FROM used)
            """, connection, transaction).With(Uuid(workspaceId), Uuid(invite.Id), Uuid(userId), invite.Role.ToWire(), now))
        await using (var reader = await join.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            var (joined, used) = (reader.GetInt64(0), reader.GetInt64(1));
            await reader.CloseAsync();
            if (joined == 1 && used == 1)
            {
                await transaction.CommitAsync(cancellationToken);
                return new InviteRedemption(InviteRedemptionStatus.Joined, invite with { Uses = invite.Uses + 1 }, new WorkspaceMember(workspaceId, userId, invite.Role, now));
            }
        }
        await transaction.RollbackAsync(cancellationToken);
        var current = await GetMemberAsync(workspaceId, userId, cancellationToken);
        return current is not null
            ? new InviteRedemption(InviteRedemptionStatus.AlreadyMember, invite, current)
            : new InviteRedemption(InviteRedemptionStatus.UsedUp, invite, null);
    }

    private static WorkspaceInvite ReadInvite(NpgsqlDataReader reader) =>
        new(reader.GetUlid(0), reader.GetUlid(1), reader.GetFieldValue<byte[]>(2), DtoMapping.ParseRole(reader.GetString(3)), reader.GetUlid(4), reader.GetTime(5),
            reader.GetNullableTime(6), reader.IsDBNull(7) ? null : reader.GetInt32(7), reader.GetInt32(8), reader.GetNullableTime(9));
}
