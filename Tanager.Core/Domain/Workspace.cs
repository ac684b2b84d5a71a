using NUlid;

namespace Tanager;

/// <summary>The isolation boundary: every channel, message and membership lives in exactly one workspace.</summary>
public sealed record Workspace(Ulid Id, string Name, Ulid OwnerId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
