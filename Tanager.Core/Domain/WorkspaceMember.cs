using NUlid;

namespace Tanager;

public sealed record WorkspaceMember(Ulid WorkspaceId, Ulid UserId, WorkspaceRole Role, DateTimeOffset JoinedAt);
