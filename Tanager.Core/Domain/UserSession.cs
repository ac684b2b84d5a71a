using NUlid;

namespace Tanager;

/// <summary>
/// A stored credential: a login session, a bot token or a gateway ticket. Only the SHA-256 of the token is kept, so a
/// leaked table grants nothing.
/// </summary>
public sealed record UserSession(Ulid Id, byte[] TokenHash, Ulid UserId, CredentialKind Kind, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt)
{
    /// <summary>When the credential was last used; the idle lifetime of a login counts from here.</summary>
    public DateTimeOffset LastUsedAt { get; init; } = CreatedAt;

    /// <summary>What a bot token is for, as its owner named it.</summary>
    public string? Name { get; init; }

    /// <summary>The scopes a bot token (or a ticket issued to one) is limited to; null grants every scope.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>The client's address as seen behind the server's trusted proxies.</summary>
    public string? IpAddress { get; init; }

    /// <summary>For a gateway ticket, the session or token that asked for it: revoking that one closes the connection too.</summary>
    public Ulid? ParentId { get; init; }
}
