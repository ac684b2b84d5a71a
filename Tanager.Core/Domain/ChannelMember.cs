using NUlid;

namespace Tanager;

public sealed record ChannelMember(Ulid WorkspaceId, Ulid ChannelId, Ulid UserId, DateTimeOffset JoinedAt);
