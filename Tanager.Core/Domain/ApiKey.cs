using NUlid;

namespace Tanager;

/// <summary>A server API key for a provisioning backend. Only the SHA-256 of the key is kept.</summary>
public sealed record ApiKey(Ulid Id, string Name, byte[] KeyHash, Ulid CreatedBy, DateTimeOffset CreatedAt);
