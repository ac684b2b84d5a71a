using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using NUlid;
using Tanager.Storage.Relational.Internal;

namespace Tanager.Storage.Relational;

/// <summary>Message changes (edits, deletes, pins, reactions), each numbered in its channel's one gapless sequence, on both SQL stores.</summary>
public abstract partial class RelationalStore
{
    public ValueTask<MessageChange?> EditAsync(Ulid workspaceId, Ulid messageId, string content, DateTimeOffset editedAt, CancellationToken cancellationToken = default) =>
        ChangeAsync(workspaceId, messageId, async (db, current) => current.DeletedAt is null
            && await Message(db, workspaceId, messageId).Set(r => r.Content, content).Set(r => r.EditedAt, editedAt).UpdateAsync(cancellationToken) == 1, cancellationToken);

    /// <summary>Deleting keeps the row (its number, its place in threads) without content, pin or reactions.</summary>
    public ValueTask<MessageChange?> DeleteAsync(Ulid workspaceId, Ulid messageId, DateTimeOffset deletedAt, CancellationToken cancellationToken = default) =>
        ChangeAsync(workspaceId, messageId, async (db, current) =>
        {
            if (current.DeletedAt is not null)
            {
                return false;
            }
            await Message(db, workspaceId, messageId).Set(r => r.Content, "").Set(r => r.DeletedAt, deletedAt).Set(r => r.PinnedAt, (DateTimeOffset?)null)
                .Set(r => r.PinnedBy, (Ulid?)null).UpdateAsync(cancellationToken);
            await db.GetTable<MessageReactionRow>().Where(r => r.WorkspaceId == workspaceId && r.MessageId == messageId).DeleteAsync(cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>Pins (a live, unpinned message) when <paramref name="pinnedBy"/> is given; otherwise unpins (a pinned one).</summary>
    public ValueTask<MessageChange?> SetPinAsync(Ulid workspaceId, Ulid messageId, Ulid? pinnedBy, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        ChangeAsync(workspaceId, messageId, async (db, current) =>
        {
            if (pinnedBy is not null ? current.DeletedAt is not null || current.PinnedAt is not null : current.PinnedAt is null)
            {
                return false;
            }
            var pinnedAt = pinnedBy is null ? (DateTimeOffset?)null : at;
            return await Message(db, workspaceId, messageId).Set(r => r.PinnedAt, pinnedAt).Set(r => r.PinnedBy, pinnedBy).UpdateAsync(cancellationToken) == 1;
        }, cancellationToken);

    public ValueTask<MessageChange?> AddReactionAsync(Ulid workspaceId, Ulid messageId, Ulid userId, string emoji, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        ChangeAsync(workspaceId, messageId, async (db, current) => current.DeletedAt is null
            && !await Reaction(db, workspaceId, messageId, userId, emoji).AnyAsync(cancellationToken)
            && await db.InsertAsync(new MessageReactionRow { WorkspaceId = workspaceId, MessageId = messageId, Emoji = emoji, UserId = userId, CreatedAt = at },
                token: cancellationToken) == 1, cancellationToken);

    public ValueTask<MessageChange?> RemoveReactionAsync(Ulid workspaceId, Ulid messageId, Ulid userId, string emoji, CancellationToken cancellationToken = default) =>
        ChangeAsync(workspaceId, messageId, async (db, current) => await Reaction(db, workspaceId, messageId, userId, emoji).DeleteAsync(cancellationToken) == 1,
            cancellationToken);

    public async ValueTask<IReadOnlySet<(Ulid MessageId, string Emoji)>> ListOwnReactionsAsync(Ulid workspaceId, IReadOnlyCollection<Ulid> messageIds, Ulid userId,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        if (messageIds.Count == 0)
        {
            return new HashSet<(Ulid, string)>();
        }
        return (await Database.RunAsync(db => db.GetTable<MessageReactionRow>().Where(r => r.WorkspaceId == workspaceId && r.UserId == userId && messageIds.Contains(r.MessageId))
            .Select(r => new { r.MessageId, r.Emoji }).ToListAsync(cancellationToken), cancellationToken)).Select(r => (r.MessageId, r.Emoji)).ToHashSet();
    }

    private static IQueryable<MessageRow> Message(DataConnection db, Ulid workspaceId, Ulid messageId) =>
        db.GetTable<MessageRow>().Where(r => r.WorkspaceId == workspaceId && r.Id == messageId);

    private static IQueryable<MessageReactionRow> Reaction(DataConnection db, Ulid workspaceId, Ulid messageId, Ulid userId, string emoji) =>
        db.GetTable<MessageReactionRow>().Where(r => r.WorkspaceId == workspaceId && r.MessageId == messageId && r.Emoji == emoji && r.UserId == userId);

    /// <summary>
    /// One change of one message in one transaction. The channel's number is taken first (its row updated, which every
    /// append and change of the channel's messages does too): from then on this transaction holds the channel, so the
    /// message read next is current and the number is this change's alone. When <paramref name="apply"/> changed
    /// something, the number becomes the message's change sequence and the message is read back before commit, so what
    /// is returned (and announced) is exactly this change's result; otherwise everything is rolled back, the number too.
    /// </summary>
    private async ValueTask<MessageChange?> ChangeAsync(Ulid workspaceId, Ulid messageId, Func<DataConnection, Message, Task<bool>> apply, CancellationToken cancellationToken) =>
        await Database.InTransactionCommittedIfAsync(async db =>
        {
            var channelId = await Message(db, workspaceId, messageId).Select(r => (Ulid?)r.ChannelId).FirstOrDefaultAsync(cancellationToken);
            if (channelId is not { } channel)
            {
                return null;
            }
            var channels = db.GetTable<ChannelRow>().Where(r => r.WorkspaceId == workspaceId && r.Id == channel);
            await channels.Set(r => r.LastSequence, r => r.LastSequence + 1).UpdateAsync(cancellationToken);
            var current = (await Message(db, workspaceId, messageId).FirstAsync(cancellationToken)).ToDomain();
            if (!await apply(db, current))
            {
                return new MessageChange((await WithDerivedAsync(db, [current], cancellationToken))[0], false);
            }
            var sequence = await channels.Select(r => r.LastSequence).FirstAsync(cancellationToken);
            await Message(db, workspaceId, messageId).Set(r => r.ChangeSequence, sequence).UpdateAsync(cancellationToken);
            var changed = (await Message(db, workspaceId, messageId).FirstAsync(cancellationToken)).ToDomain();
            return new MessageChange((await WithDerivedAsync(db, [changed], cancellationToken))[0], true);
        }, change => change is { Changed: true }, cancellationToken);
}
