using NUlid;

namespace Tanager;

/// <summary>
/// Puts the state a store derives from other rows (reaction aggregates, reply counts) onto the messages it read, so
/// every store attaches it the same way.
/// </summary>
public static class DerivedMessageState
{
    public static List<Message> Attach(List<Message> rows, IReadOnlyDictionary<Ulid, List<MessageReaction>> reactions, IReadOnlyDictionary<Ulid, (int Count, DateTimeOffset Last)> threads)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(reactions);
        ArgumentNullException.ThrowIfNull(threads);
        if (reactions.Count == 0 && threads.Count == 0)
        {
            return rows;
        }
        return [.. rows.Select(m =>
        {
            if (reactions.TryGetValue(m.Id, out var list))
            {
                m = m with { Reactions = list };
            }
            if (threads.TryGetValue(m.Id, out var thread))
            {
                m = m with { ReplyCount = thread.Count, LastReplyAt = thread.Last };
            }
            return m;
        })];
    }
}
