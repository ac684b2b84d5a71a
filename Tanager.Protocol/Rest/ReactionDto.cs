namespace Tanager.Protocol;

/// <summary>One emoji on a message: how many reacted with it and the first of them (at most 25 user ids, in reaction order).</summary>
public sealed record ReactionDto
{
    /// <summary>A Unicode emoji, or a custom short name such as <c>:party_parrot:</c>.</summary>
    public required string Emoji { get; init; }
    public required int Count { get; init; }
    public required IReadOnlyList<string> Users { get; init; }
    /// <summary>Whether the caller reacted with it: in REST answers only; absent in gateway events, which everyone receives alike.</summary>
    public bool? Me { get; init; }
}
