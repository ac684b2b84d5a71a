using NUlid;

namespace Tanager;

/// <summary>A message to append; the store assigns its sequence number.</summary>
public sealed record NewMessage(Ulid WorkspaceId, Ulid ChannelId, Ulid Id, Ulid AuthorId, string Content, Ulid? ThreadId, DateTimeOffset CreatedAt);
