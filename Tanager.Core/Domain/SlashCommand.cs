using NUlid;

namespace Tanager;

/// <summary>
/// A slash command of a workspace: <c>/name args</c> in one of its channels reaches <see cref="BotUserId"/>. Names are
/// unique per workspace. <see cref="Secret"/> (32 random bytes, made at registration) signs the command's invocation ids,
/// so any node can check a bot's reply without shared memory, and deleting the command voids them all.
/// </summary>
public sealed record SlashCommand(Ulid Id, Ulid WorkspaceId, string Name, Ulid BotUserId, string Description, string? UsageHint, byte[] Secret,
    Ulid CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
