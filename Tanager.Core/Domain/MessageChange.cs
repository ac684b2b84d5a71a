namespace Tanager;

/// <summary>
/// What a store did with a requested change of a message: its state afterwards, and whether the change happened (and
/// so took the channel's next sequence number). Nothing happens when the change is a repeat (a second identical
/// reaction, pinning a pinned message) or the message is a tombstone (<see cref="Message.DeletedAt"/> is set).
/// </summary>
public sealed record MessageChange(Message Message, bool Changed);
