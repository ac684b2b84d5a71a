using NUlid;

namespace Tanager;

/// <summary>What each member has read, and the unread and mention counts that follow from it.</summary>
public interface IReadStateStore
{
    /// <summary>Records that <paramref name="userId"/> has read <paramref name="channelId"/> up to <paramref name="sequence"/> (forwards or back).</summary>
    ValueTask SetLastReadAsync(Ulid workspaceId, Ulid channelId, Ulid userId, long sequence, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// The read state of each of <paramref name="channelIds"/> for <paramref name="userId"/>: unread counts top-level,
    /// not deleted messages by others after the last read one; mention counts any such message (replies too) that
    /// mentions the user (<see cref="Mentions"/>). A channel never read counts from its start.
    /// </summary>
    ValueTask<IReadOnlyList<ChannelReadState>> GetReadStatesAsync(Ulid workspaceId, Ulid userId, IReadOnlyCollection<Ulid> channelIds, CancellationToken cancellationToken = default);

    /// <summary>Not deleted messages by others in <paramref name="channelIds"/> that mention <paramref name="userId"/>, newest first, older than <paramref name="before"/> when given.</summary>
    ValueTask<IReadOnlyList<Message>> ListMentionsAsync(Ulid workspaceId, Ulid userId, IReadOnlyCollection<Ulid> channelIds, Ulid? before, int limit, CancellationToken cancellationToken = default);
}
