using NUlid;

namespace Tanager;

/// <summary>
/// A secret URL that posts into one channel (an incoming webhook). It posts as its own bot user (<see cref="BotUserId"/>),
/// whose name and avatar the hook's messages show. Only the SHA-256 of its token is kept.
/// </summary>
public sealed record IncomingWebhook(Ulid Id, Ulid WorkspaceId, Ulid ChannelId, Ulid BotUserId, string Name, byte[] TokenHash, Ulid CreatedBy, DateTimeOffset CreatedAt);
