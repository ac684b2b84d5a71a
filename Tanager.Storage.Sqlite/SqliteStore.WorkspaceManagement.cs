using Microsoft.Data.Sqlite;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>Workspace renames, roles, removals, ownership and invites.</summary>
public sealed partial class SqliteStore
{
    private const string InviteColumns = "workspace_id, id, code_hash, role, created_by, created_at, expires_at, max_uses, uses, revoked_at";

    public async ValueTask<bool> RenameAsync(Ulid workspaceId, string name, DateTimeOffset updatedAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE workspaces SET name = $name, updated_at = $updated WHERE id = $id")
            .With("$id", Blob(workspaceId)).With("$name", name).With("$updated", Ticks(updatedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<WorkspaceMember?> ChangeRoleAsync(Ulid workspaceId, Ulid userId, WorkspaceRole role, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            UPDATE workspace_members SET role = $role WHERE workspace_id = $ws AND user_id = $user AND role <> 'owner'
            RETURNING workspace_id, user_id, role, joined_at
            """).With("$ws", Blob(workspaceId)).With("$user", Blob(userId)).With("$role", role.ToWire());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadWorkspaceMember(reader, 0) : null;
    }

    public async ValueTask<IReadOnlyList<ChannelMember>?> RemoveMemberAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var remove = Command(connection, "DELETE FROM workspace_members WHERE workspace_id = $ws AND user_id = $user AND role <> 'owner'", transaction)
            .With("$ws", Blob(workspaceId)).With("$user", Blob(userId)))
        {
            if (await remove.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return null;
            }
        }
        var ended = new List<ChannelMember>();
        await using (var channels = Command(connection, "DELETE FROM channel_members WHERE workspace_id = $ws AND user_id = $user RETURNING workspace_id, channel_id, user_id, joined_at", transaction)
            .With("$ws", Blob(workspaceId)).With("$user", Blob(userId)))
        {
            await using var reader = await channels.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ended.Add(new ChannelMember(reader.GetUlid(0), reader.GetUlid(1), reader.GetUlid(2), reader.GetTime(3)));
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return [.. ended.OrderBy(m => m.ChannelId)];
    }

    public async ValueTask<bool> TransferOwnershipAsync(Ulid workspaceId, Ulid currentOwnerId, Ulid newOwnerId, DateTimeOffset updatedAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        string[] steps =
        [
            "UPDATE workspaces SET owner_id = $new, updated_at = $at WHERE id = $ws AND owner_id = $current",
            "UPDATE workspace_members SET role = 'admin' WHERE workspace_id = $ws AND user_id = $current AND role = 'owner'",
            "UPDATE workspace_members SET role = 'owner' WHERE workspace_id = $ws AND user_id = $new AND role <> 'owner'",
        ];
        foreach (var sql in steps)
        {
            // Every step changes exactly one row, or the workspace was not as the caller saw it: nothing is written.
            await using var step = Command(connection, sql, transaction)
                .With("$ws", Blob(workspaceId)).With("$current", Blob(currentOwnerId)).With("$new", Blob(newOwnerId)).With("$at", Ticks(updatedAt));
            if (await step.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return false;
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async ValueTask CreateInviteAsync(WorkspaceInvite invite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invite);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"INSERT INTO workspace_invites ({InviteColumns}) VALUES ($ws, $id, $hash, $role, $by, $created, $expires, $max, $uses, $revoked)")
            .With("$ws", Blob(invite.WorkspaceId)).With("$id", Blob(invite.Id)).With("$hash", invite.CodeHash).With("$role", invite.Role.ToWire())
            .With("$by", Blob(invite.CreatedBy)).With("$created", Ticks(invite.CreatedAt)).With("$expires", Ticks(invite.ExpiresAt))
            .With("$max", invite.MaxUses).With("$uses", invite.Uses).With("$revoked", Ticks(invite.RevokedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<WorkspaceInvite>> ListInvitesAsync(Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {InviteColumns} FROM workspace_invites WHERE workspace_id = $ws ORDER BY created_at DESC, id DESC").With("$ws", Blob(workspaceId));
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
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "UPDATE workspace_invites SET revoked_at = $at WHERE workspace_id = $ws AND id = $id AND revoked_at IS NULL")
            .With("$ws", Blob(workspaceId)).With("$id", Blob(inviteId)).With("$at", Ticks(revokedAt));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<InviteRedemption> RedeemInviteAsync(Ulid workspaceId, byte[] codeHash, Ulid userId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(codeHash);
        await using var connection = await OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE (the default here): the one writer lock is taken before the invite is read.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        WorkspaceInvite? invite;
        await using (var find = Command(connection, $"SELECT {InviteColumns} FROM workspace_invites WHERE workspace_id = $ws AND code_hash = $hash", transaction)
            .With("$ws", Blob(workspaceId)).With("$hash", codeHash))
        {
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            invite = await reader.ReadAsync(cancellationToken) ? ReadInvite(reader) : null;
        }
        if (invite is null)
        {
            return new InviteRedemption(InviteRedemptionStatus.NotFound, null, null);
        }
        await using (var existing = Command(connection, "SELECT workspace_id, user_id, role, joined_at FROM workspace_members WHERE workspace_id = $ws AND user_id = $user", transaction)
            .With("$ws", Blob(workspaceId)).With("$user", Blob(userId)))
        {
            await using var reader = await existing.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                return new InviteRedemption(InviteRedemptionStatus.AlreadyMember, invite, ReadWorkspaceMember(reader, 0));
            }
        }
        var status = invite.StatusAt(now);
        if (status != InviteRedemptionStatus.Joined)
        {
            return new InviteRedemption(status, invite, null);
        }
        await using (var use = Command(connection, """
            UPDATE workspace_invites SET uses = uses + 1
            WHERE workspace_id = $ws AND id = $id AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $now) AND (max_uses IS NULL OR uses < max_uses)
            """, transaction).With("$ws", Blob(workspaceId)).With("$id", Blob(invite.Id)).With("$now", Ticks(now)))
        {
            if (await use.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                return new InviteRedemption(InviteRedemptionStatus.UsedUp, invite, null);
            }
        }
        var member = new WorkspaceMember(workspaceId, userId, invite.Role, now);
        await using (var insert = InsertWorkspaceMember(connection, member, transaction))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new InviteRedemption(InviteRedemptionStatus.Joined, invite with { Uses = invite.Uses + 1 }, member);
    }

    private static WorkspaceInvite ReadInvite(SqliteDataReader reader) =>
        new(reader.GetUlid(0), reader.GetUlid(1), (byte[])reader.GetValue(2), DtoMapping.ParseRole(reader.GetString(3)), reader.GetUlid(4), reader.GetTime(5),
            reader.GetNullableTime(6), reader.IsDBNull(7) ? null : reader.GetInt32(7), reader.GetInt32(8), reader.GetNullableTime(9));
}
