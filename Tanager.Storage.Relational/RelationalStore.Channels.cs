using LinqToDB;
using LinqToDB.Async;
using NUlid;
using Tanager.Storage.Relational.Internal;

namespace Tanager.Storage.Relational;

/// <summary>
/// Channels, direct messages and their members, on both SQL stores. The access check of every send and read is
/// hand-written (<see cref="GetAccessAsync"/>). Every statement filters by the workspace (one shard under Citus).
/// </summary>
public abstract partial class RelationalStore : IChannelStore
{
    /// <summary>False, writing nothing, when the channel's id or its name in the workspace is taken.</summary>
    public async ValueTask<bool> TryCreateAsync(Channel channel, ChannelMember creator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(creator);
        return await Database.TryWriteAsync(async db =>
        {
            await db.InsertAsync(ChannelRow.From(channel), token: cancellationToken);
            await db.InsertAsync(ChannelMemberRow.From(creator), token: cancellationToken);
        }, db => ChannelTakenAsync(db, channel, cancellationToken), cancellationToken);
    }

    /// <summary>Whether a channel holds <paramref name="channel"/>'s id, name or direct-message key (each unique in the workspace).</summary>
    private static Task<bool> ChannelTakenAsync(LinqToDB.Data.DataConnection db, Channel channel, CancellationToken cancellationToken) =>
        db.GetTable<ChannelRow>().AnyAsync(r => r.WorkspaceId == channel.WorkspaceId
            && (r.Id == channel.Id || r.Name == channel.Name || (channel.DirectMessageKey != null && r.DirectMessageKey == channel.DirectMessageKey)), cancellationToken);

    public async ValueTask<Channel?> GetAsync(Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default) =>
        (await Database.RunAsync(db => db.GetTable<ChannelRow>().FirstOrDefaultAsync(r => r.WorkspaceId == workspaceId && r.Id == channelId && r.DeletedAt == null,
            cancellationToken), cancellationToken))?.ToDomain();

    /// <summary>The live channels in name order, by code point (each dialect's own collation could differ; names are short and few).</summary>
    public async ValueTask<IReadOnlyList<Channel>> ListAsync(Ulid workspaceId, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db => db.GetTable<ChannelRow>().Where(r => r.WorkspaceId == workspaceId && r.DeletedAt == null).ToListAsync(cancellationToken),
            cancellationToken)).Select(r => r.ToDomain()).OrderBy(c => c.Name, StringComparer.Ordinal)];

    public async ValueTask<IReadOnlySet<Ulid>> ListMembershipsAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default) =>
        (await Database.RunAsync(db => db.GetTable<ChannelMemberRow>().Where(r => r.WorkspaceId == workspaceId && r.UserId == userId).Select(r => r.ChannelId)
            .ToListAsync(cancellationToken), cancellationToken)).ToHashSet();

    public async ValueTask<ChannelMember?> GetMemberAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken = default) =>
        (await Database.RunAsync(db => db.GetTable<ChannelMemberRow>().FirstOrDefaultAsync(r => r.WorkspaceId == workspaceId && r.ChannelId == channelId && r.UserId == userId,
            cancellationToken), cancellationToken))?.ToDomain();

    public async ValueTask<bool> TryAddMemberAsync(ChannelMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        return await Database.TryInsertAsync(ChannelMemberRow.From(member), db => db.GetTable<ChannelMemberRow>()
            .AnyAsync(r => r.WorkspaceId == member.WorkspaceId && r.ChannelId == member.ChannelId && r.UserId == member.UserId, cancellationToken), cancellationToken);
    }

    public async ValueTask<bool> TryRemoveMemberAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<ChannelMemberRow>().Where(r => r.WorkspaceId == workspaceId && r.ChannelId == channelId && r.UserId == userId)
            .DeleteAsync(cancellationToken), cancellationToken) == 1;

    /// <summary>
    /// Saves the settings when the channel is live and still as the caller read it (its <c>updated_at</c>); a name taken
    /// by another channel breaks the (workspace, name) uniqueness, told from other failures by finding that channel.
    /// </summary>
    public async ValueTask<ChannelUpdateResult> TryUpdateChannelAsync(Channel channel, DateTimeOffset expectedUpdatedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var overrides = ChannelOverrideFormat.Write(channel.Overrides);
        var updated = 0;
        var written = await Database.TryWriteAsync(async db => updated = await db.GetTable<ChannelRow>()
            .Where(r => r.WorkspaceId == channel.WorkspaceId && r.Id == channel.Id && r.UpdatedAt == expectedUpdatedAt && r.DeletedAt == null)
            .Set(r => r.Name, channel.Name).Set(r => r.Topic, channel.Topic).Set(r => r.Description, channel.Description).Set(r => r.ArchivedAt, channel.ArchivedAt)
            .Set(r => r.Overrides, overrides).Set(r => r.UpdatedAt, channel.UpdatedAt).UpdateAsync(cancellationToken),
            db => db.GetTable<ChannelRow>().AnyAsync(r => r.WorkspaceId == channel.WorkspaceId && r.Name == channel.Name && r.Id != channel.Id, cancellationToken),
            cancellationToken);
        return !written ? ChannelUpdateResult.NameTaken : updated == 1 ? ChannelUpdateResult.Updated : ChannelUpdateResult.Stale;
    }

    /// <summary>
    /// Marks a live channel deleted and ends its memberships, returning who they were. The row stays (its messages refer
    /// to it) under a name no live channel can have (names are lower case), so the name is free again.
    /// </summary>
    public async ValueTask<IReadOnlyList<Ulid>?> DeleteChannelAsync(Ulid workspaceId, Ulid channelId, DateTimeOffset deletedAt, CancellationToken cancellationToken = default)
    {
        var tombstone = channelId.ToString();
        return await Database.InTransactionAsync<IReadOnlyList<Ulid>?>(async db =>
        {
            if (await db.GetTable<ChannelRow>().Where(r => r.WorkspaceId == workspaceId && r.Id == channelId && r.DeletedAt == null)
                .Set(r => r.DeletedAt, deletedAt).Set(r => r.Name, tombstone).UpdateAsync(cancellationToken) == 0)
            {
                return null;
            }
            var ended = await db.GetTable<ChannelMemberRow>().Where(r => r.WorkspaceId == workspaceId && r.ChannelId == channelId).DeleteWithOutputAsync().ToListAsync(cancellationToken);
            return [.. ended.Select(r => r.UserId).Order()];
        }, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<ChannelMember>> ListChannelMembersAsync(Ulid workspaceId, Ulid channelId, Ulid? afterUserId, int limit, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db =>
        {
            var members = db.GetTable<ChannelMemberRow>().Where(r => r.WorkspaceId == workspaceId && r.ChannelId == channelId);
            if (afterUserId is { } after)
            {
                members = members.Where(r => r.UserId > after);
            }
            return members.OrderBy(r => r.UserId).Take(limit).ToListAsync(cancellationToken);
        }, cancellationToken)).Select(r => r.ToDomain())];

    /// <summary>False, writing nothing, when the pair's direct message exists already (the other side opened it first) or the name is taken.</summary>
    public async ValueTask<bool> TryCreateDirectMessageAsync(Channel channel, IReadOnlyList<ChannelMember> participants, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(participants);
        return await Database.TryWriteAsync(async db =>
        {
            await db.InsertAsync(ChannelRow.From(channel), token: cancellationToken);
            foreach (var participant in participants)
            {
                await db.InsertAsync(ChannelMemberRow.From(participant), token: cancellationToken);
            }
        }, db => ChannelTakenAsync(db, channel, cancellationToken), cancellationToken);
    }

    public async ValueTask<Channel?> FindDirectMessageAsync(Ulid workspaceId, string directMessageKey, CancellationToken cancellationToken = default) =>
        (await Database.RunAsync(db => db.GetTable<ChannelRow>().FirstOrDefaultAsync(r => r.WorkspaceId == workspaceId && r.DirectMessageKey == directMessageKey && r.DeletedAt == null,
            cancellationToken), cancellationToken))?.ToDomain();

    /// <summary>The user's direct and group messages, newest first, each with its participants in id order.</summary>
    public async ValueTask<IReadOnlyList<DirectMessage>> ListDirectMessagesAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default)
    {
        var rows = await Database.RunAsync(db => (
            from me in db.GetTable<ChannelMemberRow>()
            join c in db.GetTable<ChannelRow>() on new { me.WorkspaceId, Id = me.ChannelId } equals new { c.WorkspaceId, c.Id }
            join p in db.GetTable<ChannelMemberRow>() on new { me.WorkspaceId, me.ChannelId } equals new { p.WorkspaceId, p.ChannelId }
            where me.WorkspaceId == workspaceId && me.UserId == userId && c.DirectMessageKind != null && c.DeletedAt == null
            select new { Channel = c, Participant = p.UserId }).ToListAsync(cancellationToken), cancellationToken);
        return [.. rows.GroupBy(r => r.Channel.Id).OrderByDescending(g => g.Key)
            .Select(g => new DirectMessage(g.First().Channel.ToDomain(), [.. g.Select(r => r.Participant).Order()]))];
    }
}
