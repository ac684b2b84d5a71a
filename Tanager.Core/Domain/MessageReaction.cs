using NUlid;

namespace Tanager;

/// <summary>
/// One emoji on a message: how many people used it and the first of them (at most <see cref="MaxUsers"/>, in the order
/// they reacted). <see cref="Me"/> says whether the reader is one of them; stores leave it null, and it stays null in
/// events, which go to everyone alike.
/// </summary>
public sealed record MessageReaction(string Emoji, int Count, IReadOnlyList<Ulid> Users, bool? Me = null)
{
    /// <summary>Enough names for a "who reacted" tooltip, while a message with thousands of reactions stays small.</summary>
    public const int MaxUsers = 25;
}
