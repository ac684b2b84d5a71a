namespace Tanager.Protocol;

/// <summary>A slash command registered in a workspace: <c>/name args</c> typed in a channel reaches the bot that registered it, or is POSTed to its URL.</summary>
public sealed record SlashCommandDto
{
    /// <summary>Lowercase, 1–32 characters: letters a–z, digits, <c>-</c> and <c>_</c>, starting with a letter or digit.</summary>
    public required string Name { get; init; }
    public required string WorkspaceId { get; init; }
    public required string Description { get; init; }
    /// <summary>What the arguments look like, shown next to the name (e.g. <c>[branch] [environment]</c>).</summary>
    public string? UsageHint { get; init; }
    /// <summary>The bot that answers it; null when a URL answers it.</summary>
    public string? BotUserId { get; init; }
    /// <summary>The URL that answers it; null when a bot answers it.</summary>
    public string? Url { get; init; }
    /// <summary>
    /// The secret that signs the requests to <see cref="Url"/> (<c>tgh_…</c>): in the answer that registered the command
    /// only, never again.
    /// </summary>
    public string? Secret { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}
