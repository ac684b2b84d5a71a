using NUlid;

namespace Tanager;

/// <summary>
/// Where a member stands in a channel: the sequence of the last message they have read, how many top-level messages by
/// others came after it, and how many messages after it mention them (directly, or with @channel / @here).
/// </summary>
public sealed record ChannelReadState(Ulid ChannelId, long LastReadSequence, int UnreadCount, int MentionCount);
