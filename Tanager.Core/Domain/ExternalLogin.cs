using NUlid;

namespace Tanager;

/// <summary>An account at an identity provider (its <see cref="Subject"/> there) linked to a Tanager user.</summary>
public sealed record ExternalLogin(string Provider, string Subject, Ulid UserId, DateTimeOffset CreatedAt)
{
    /// <summary>The email the provider gave when the link was made, for the user's list of linked accounts; null when none.</summary>
    public string? Email { get; init; }
}
