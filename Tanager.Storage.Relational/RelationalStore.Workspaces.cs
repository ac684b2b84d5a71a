using LinqToDB;
using LinqToDB.Async;
using NUlid;
using Tanager.Storage.Relational.Internal;

namespace Tanager.Storage.Relational;

/// <summary>
/// Workspaces, their members, renames, roles, removals, ownership and invite links, on both SQL stores. Every statement
/// filters by the workspace (one shard under Citus), except <see cref="ListForUserAsync"/>, which runs at sign-in.
/// </summary>
public abstract partial class RelationalStore : IWorkspaceStore
{
    public async ValueTask CreateAsync(Workspace workspace, WorkspaceMember owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(owner);
        await Database.InTransactionAsync(async db =>
        {
            await db.InsertAsync(WorkspaceRow.From(workspace), token: cancellationToken);
            return await db.InsertAsync(WorkspaceMemberRow.From(owner), token: cancellationToken);
        }, cancellationToken);
    }

    async ValueTask<Workspace?> IWorkspaceStore.GetAsync(Ulid workspaceId, CancellationToken cancellationToken) =>
        (await Database.RunAsync(db => db.GetTable<WorkspaceRow>().FirstOrDefaultAsync(r => r.Id == workspaceId, cancellationToken), cancellationToken))?.ToDomain();

    async ValueTask<IReadOnlyList<Workspace>> IWorkspaceStore.ListAsync(Ulid? after, int limit, CancellationToken cancellationToken) =>
        [.. (await Database.RunAsync(db =>
        {
            var workspaces = db.GetTable<WorkspaceRow>().AsQueryable();
            if (after is { } from)
            {
                workspaces = workspaces.Where(r => r.Id > from);
            }
            return workspaces.OrderBy(r => r.Id).Take(limit).ToListAsync(cancellationToken);
        }, cancellationToken)).Select(r => r.ToDomain())];

    public async ValueTask<WorkspaceMember?> GetMemberAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default) =>
        (await Database.RunAsync(db => db.GetTable<WorkspaceMemberRow>().FirstOrDefaultAsync(r => r.WorkspaceId == workspaceId && r.UserId == userId, cancellationToken),
            cancellationToken))?.ToDomain();

    public async ValueTask<bool> TryAddMemberAsync(WorkspaceMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        return await Database.TryInsertAsync(WorkspaceMemberRow.From(member),
            db => db.GetTable<WorkspaceMemberRow>().AnyAsync(r => r.WorkspaceId == member.WorkspaceId && r.UserId == member.UserId, cancellationToken), cancellationToken);
    }

    public async ValueTask<IReadOnlyList<WorkspaceMember>> ListMembersAsync(Ulid workspaceId, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db => db.GetTable<WorkspaceMemberRow>().Where(r => r.WorkspaceId == workspaceId).OrderBy(r => r.JoinedAt).ThenBy(r => r.UserId)
            .ToListAsync(cancellationToken), cancellationToken)).Select(r => r.ToDomain())];

    /// <summary>Filters by user only, so under Citus this one asks every shard: it runs at sign-in and READY, not per message.</summary>
    public async ValueTask<IReadOnlyList<(Workspace Workspace, WorkspaceMember Member)>> ListForUserAsync(Ulid userId, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db => (
            from m in db.GetTable<WorkspaceMemberRow>()
            join w in db.GetTable<WorkspaceRow>() on m.WorkspaceId equals w.Id
            where m.UserId == userId
            orderby w.Id
            select new { w, m }).ToListAsync(cancellationToken), cancellationToken)).Select(r => (r.w.ToDomain(), r.m.ToDomain()))];

    public async ValueTask<bool> RenameAsync(Ulid workspaceId, string name, DateTimeOffset updatedAt, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<WorkspaceRow>().Where(r => r.Id == workspaceId).Set(r => r.Name, name).Set(r => r.UpdatedAt, updatedAt)
            .UpdateAsync(cancellationToken), cancellationToken) == 1;

    public async ValueTask<WorkspaceMember?> ChangeRoleAsync(Ulid workspaceId, Ulid userId, WorkspaceRole role, CancellationToken cancellationToken = default)
    {
        var wire = role.ToWire();
        var owner = WorkspaceRole.Owner.ToWire();
        return await Database.InTransactionAsync(async db =>
        {
            var member = db.GetTable<WorkspaceMemberRow>().Where(r => r.WorkspaceId == workspaceId && r.UserId == userId);
            return await member.Where(r => r.Role != owner).Set(r => r.Role, wire).UpdateAsync(cancellationToken) == 1
                ? (await member.FirstAsync(cancellationToken)).ToDomain()
                : null;
        }, cancellationToken);
    }

    /// <summary>Removes a member who is not the owner, and with them their channel memberships: both or neither.</summary>
    public async ValueTask<IReadOnlyList<ChannelMember>?> RemoveMemberAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default)
    {
        var owner = WorkspaceRole.Owner.ToWire();
        return await Database.InTransactionAsync<IReadOnlyList<ChannelMember>?>(async db =>
        {
            if (await db.GetTable<WorkspaceMemberRow>().Where(r => r.WorkspaceId == workspaceId && r.UserId == userId && r.Role != owner).DeleteAsync(cancellationToken) == 0)
            {
                return null;
            }
            var ended = await db.GetTable<ChannelMemberRow>().Where(r => r.WorkspaceId == workspaceId && r.UserId == userId).DeleteWithOutputAsync().ToListAsync(cancellationToken);
            return [.. ended.Select(r => r.ToDomain()).OrderBy(m => m.ChannelId)];
        }, cancellationToken);
    }

    /// <summary>Every step changes exactly one row, or the workspace was not as the caller saw it, and nothing is written.</summary>
    public async ValueTask<bool> TransferOwnershipAsync(Ulid workspaceId, Ulid currentOwnerId, Ulid newOwnerId, DateTimeOffset updatedAt, CancellationToken cancellationToken = default)
    {
        var (owner, admin) = (WorkspaceRole.Owner.ToWire(), WorkspaceRole.Admin.ToWire());
        return await Database.InTransactionIfAsync(async db =>
        {
            var members = db.GetTable<WorkspaceMemberRow>().Where(r => r.WorkspaceId == workspaceId);
            return await db.GetTable<WorkspaceRow>().Where(r => r.Id == workspaceId && r.OwnerId == currentOwnerId).Set(r => r.OwnerId, newOwnerId)
                    .Set(r => r.UpdatedAt, updatedAt).UpdateAsync(cancellationToken) == 1
                && await members.Where(r => r.UserId == currentOwnerId && r.Role == owner).Set(r => r.Role, admin).UpdateAsync(cancellationToken) == 1
                && await members.Where(r => r.UserId == newOwnerId && r.Role != owner).Set(r => r.Role, owner).UpdateAsync(cancellationToken) == 1;
        }, cancellationToken);
    }

    public async ValueTask CreateInviteAsync(WorkspaceInvite invite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invite);
        await Database.RunAsync(db => db.InsertAsync(WorkspaceInviteRow.From(invite), token: cancellationToken), cancellationToken);
    }

    public async ValueTask<IReadOnlyList<WorkspaceInvite>> ListInvitesAsync(Ulid workspaceId, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db => db.GetTable<WorkspaceInviteRow>().Where(r => r.WorkspaceId == workspaceId).OrderByDescending(r => r.CreatedAt)
            .ThenByDescending(r => r.Id).ToListAsync(cancellationToken), cancellationToken)).Select(r => r.ToDomain())];

    public async ValueTask<bool> RevokeInviteAsync(Ulid workspaceId, Ulid inviteId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<WorkspaceInviteRow>().Where(r => r.WorkspaceId == workspaceId && r.Id == inviteId && r.RevokedAt == null)
            .Set(r => r.RevokedAt, revokedAt).UpdateAsync(cancellationToken), cancellationToken) == 1;

    /// <summary>
    /// Counts a use of the invite and adds the member, in one transaction. The use is counted by a conditional update,
    /// which under PostgreSQL holds the invite's row until commit, so concurrent redemptions queue there and each sees the
    /// uses counted before it (under SQLite the transaction holds the one writer lock). A member following an old link is
    /// simply let in, whatever state the link is in. The same person redeeming twice at once breaks the membership key
    /// once: that redemption runs again and finds them a member.
    /// </summary>
    public async ValueTask<InviteRedemption> RedeemInviteAsync(Ulid workspaceId, byte[] codeHash, Ulid userId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(codeHash);
        return await Database.InTransactionRetriedOnceAsync(async db =>
        {
            var row = await db.GetTable<WorkspaceInviteRow>().FirstOrDefaultAsync(r => r.WorkspaceId == workspaceId && r.CodeHash == codeHash, cancellationToken);
            if (row is null)
            {
                return new InviteRedemption(InviteRedemptionStatus.NotFound, null, null);
            }
            var invite = row.ToDomain();
            var existing = await db.GetTable<WorkspaceMemberRow>().FirstOrDefaultAsync(r => r.WorkspaceId == workspaceId && r.UserId == userId, cancellationToken);
            if (existing is not null)
            {
                return new InviteRedemption(InviteRedemptionStatus.AlreadyMember, invite, existing.ToDomain());
            }
            var status = invite.StatusAt(now);
            if (status != InviteRedemptionStatus.Joined)
            {
                return new InviteRedemption(status, invite, null);
            }
            var used = await db.GetTable<WorkspaceInviteRow>()
                .Where(r => r.WorkspaceId == workspaceId && r.Id == invite.Id && r.RevokedAt == null && (r.ExpiresAt == null || r.ExpiresAt > now)
                    && (r.MaxUses == null || r.Uses < r.MaxUses))
                .Set(r => r.Uses, r => r.Uses + 1).UpdateAsync(cancellationToken);
            if (used != 1)
            {
                return new InviteRedemption(InviteRedemptionStatus.UsedUp, invite, null);
            }
            var member = new WorkspaceMember(workspaceId, userId, invite.Role, now);
            await db.InsertAsync(WorkspaceMemberRow.From(member), token: cancellationToken);
            return new InviteRedemption(InviteRedemptionStatus.Joined, invite with { Uses = invite.Uses + 1 }, member);
        }, cancellationToken);
    }
}
