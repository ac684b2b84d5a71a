using NUlid;
using Tanager.Protocol;

namespace Tanager;

/// <summary>Wire forms of read state.</summary>
public static class ReadStateMapping
{
    public static ReadStateDto ToDto(this ChannelReadState state, Ulid workspaceId)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new ReadStateDto
        {
            WorkspaceId = workspaceId.ToString(),
            ChannelId = state.ChannelId.ToString(),
            LastReadSequence = state.LastReadSequence,
            UnreadCount = state.UnreadCount,
            MentionCount = state.MentionCount,
        };
    }

    /// <summary>The channel with the caller's read state in it (READY and channel lists).</summary>
    public static ChannelDto WithReadState(this ChannelDto channel, ChannelReadState? state)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return state is null ? channel : channel with { LastReadSequence = state.LastReadSequence, UnreadCount = state.UnreadCount, MentionCount = state.MentionCount };
    }
}
