namespace Tanager;

/// <summary>
/// Who an identity provider says signed in: its stable subject, and the email only with whether the provider verified
/// it. Built by the sign-in handler from the provider's validated answer.
/// </summary>
public sealed record ExternalIdentity(string Provider, string Subject)
{
    public string? Email { get; init; }

    /// <summary>The provider vouches that the person controls <see cref="Email"/> (OpenID Connect's <c>email_verified</c>; GitHub's verified primary email).</summary>
    public bool EmailVerified { get; init; }

    public string? DisplayName { get; init; }
}
