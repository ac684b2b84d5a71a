using NUlid;

namespace Tanager;

/// <summary>
/// A slash command of a workspace: <c>/name args</c> in one of its channels reaches <see cref="BotUserId"/>, or, for a
/// command routed to a URL, is POSTed to <see cref="Url"/>: exactly one of the two is set. Names are unique per
/// workspace. <see cref="Secret"/> (32 random bytes for a bot's command; a <c>tgh_</c> secret's UTF-8 bytes, shown once
/// to its creator, for a URL's) signs the command's invocation ids, so any node can check a bot's reply without shared
/// memory and deleting the command voids them all, and signs the requests to a URL, so its receiver can check them.
/// </summary>
public sealed record SlashCommand(Ulid Id, Ulid WorkspaceId, string Name, Ulid? BotUserId, string Description, string? UsageHint, byte[] Secret,
    Ulid CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>The absolute URL the command is POSTed to; null for a command a bot answers.</summary>
    public string? Url { get; init; }
}
