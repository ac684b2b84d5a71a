namespace Tanager.Protocol;

/// <summary>An identity provider account linked to the caller's account (<c>GET /auth/sso/links</c>).</summary>
public sealed record ExternalLoginDto
{
    /// <summary>The provider's name in routes.</summary>
    public required string Provider { get; init; }
    /// <summary>What a page shows for the provider; the name when it is no longer configured.</summary>
    public required string DisplayName { get; init; }
    /// <summary>The email the provider gave when the link was made; null when none.</summary>
    public string? Email { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
