using Tanager.Protocol;

namespace Tanager.Web.Internal;

/// <summary>
/// The messages of one channel's main timeline (its top-level messages), or of one thread (its replies), that this page
/// holds, in sequence order, whatever order they arrived in (history pages, live events, the answer to our own send).
/// A message is stored once, by its sequence number.
/// </summary>
internal sealed class ChannelTimeline(string? threadId = null)
{
    private static readonly IComparer<MessageDto> BySequence = Comparer<MessageDto>.Create((a, b) => a.Sequence.CompareTo(b.Sequence));

    /// <summary>Oldest first; handed to Virtualize as is, so only the visible rows are in the DOM.</summary>
    public List<MessageDto> Messages { get; } = [];

    /// <summary>Whether history older than the first held message remains on the server.</summary>
    public bool HasOlder { get; set; } = true;

    /// <summary>Whether the newest page of history was read (live events alone may have filled the list before).</summary>
    public bool Loaded { get; set; }

    public long NewestSequence => Messages.Count == 0 ? 0 : Messages[^1].Sequence;

    public long? OldestSequence => Messages.Count == 0 ? null : Messages[0].Sequence;

    /// <summary>The thread's top-level message, for a thread's replies; null for a channel's main timeline.</summary>
    public string? ThreadId => threadId;

    /// <summary>Adds a message or replaces the held copy when this one is as new or newer; deleted messages leave, and so do messages of another timeline.</summary>
    public void Apply(MessageDto message)
    {
        if (message.ThreadId != threadId)
        {
            return;
        }
        var index = Messages.BinarySearch(message, BySequence);
        if (message.DeletedAt is not null)
        {
            if (index >= 0)
            {
                Messages.RemoveAt(index);
            }
            return;
        }
        if (index >= 0)
        {
            if (message.ChangeSequence >= Messages[index].ChangeSequence)
            {
                Messages[index] = message;
            }
            return;
        }
        Messages.Insert(~index, message);
    }

    public MessageDto? Find(string messageId) => Messages.FindLast(m => m.Id == messageId);

    /// <summary>
    /// A live reply, or the deletion of one, counted on its parent when held (the server derives the count when read and
    /// sends no change of the parent). A reply no newer than the parent's newest known reply was already in the count.
    /// </summary>
    public void CountReply(MessageDto reply)
    {
        var index = reply.ThreadId is null ? -1 : Messages.FindLastIndex(m => m.Id == reply.ThreadId);
        if (index < 0)
        {
            return;
        }
        var parent = Messages[index];
        var counted = parent.LastReplyAt is { } last && reply.CreatedAt <= last;
        if (reply.DeletedAt is null && !counted)
        {
            Messages[index] = parent with { ReplyCount = (parent.ReplyCount ?? 0) + 1, LastReplyAt = reply.CreatedAt };
        }
        else if (reply.DeletedAt is not null && counted && parent.ReplyCount is > 0)
        {
            Messages[index] = parent with { ReplyCount = parent.ReplyCount == 1 ? null : parent.ReplyCount - 1 };
        }
    }

    /// <summary>A reaction event applied to the held copy: the count, the first users, and whether it is ours.</summary>
    public void ApplyReaction(ReactionEventDto reaction, bool added, string myUserId)
    {
        var index = Messages.FindLastIndex(m => m.Id == reaction.MessageId);
        if (index < 0 || Messages[index].ChangeSequence >= reaction.ChangeSequence)
        {
            return;
        }
        var message = Messages[index];
        var reactions = (message.Reactions ?? []).ToList();
        var at = reactions.FindIndex(r => r.Emoji == reaction.Emoji);
        var mine = reaction.UserId == myUserId;
        if (added)
        {
            if (at < 0)
            {
                reactions.Add(new ReactionDto { Emoji = reaction.Emoji, Count = 1, Users = [reaction.UserId], Me = mine });
            }
            else if (!reactions[at].Users.Contains(reaction.UserId))
            {
                var current = reactions[at];
                reactions[at] = current with { Count = current.Count + 1, Users = [.. current.Users, reaction.UserId], Me = current.Me == true || mine };
            }
        }
        else if (at >= 0)
        {
            var current = reactions[at];
            if (current.Count <= 1)
            {
                reactions.RemoveAt(at);
            }
            else
            {
                reactions[at] = current with { Count = current.Count - 1, Users = [.. current.Users.Where(u => u != reaction.UserId)], Me = mine ? false : current.Me };
            }
        }
        Messages[index] = message with { Reactions = reactions.Count == 0 ? null : reactions, ChangeSequence = reaction.ChangeSequence };
    }
}
