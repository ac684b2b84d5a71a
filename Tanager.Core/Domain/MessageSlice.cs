namespace Tanager;

/// <summary>Messages oldest first, whether more lie beyond them, and the channel's sequence when read.</summary>
public sealed record MessageSlice(IReadOnlyList<Message> Messages, bool HasMore, long LastSequence);
