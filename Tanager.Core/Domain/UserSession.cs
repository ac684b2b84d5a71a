using NUlid;

namespace Tanager;

/// <summary>A login. Only the SHA-256 of the bearer token is kept, so a leaked table grants nothing.</summary>
public sealed record UserSession(byte[] TokenHash, Ulid UserId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);
