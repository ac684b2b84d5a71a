using NUlid;

namespace Tanager;

/// <summary>A person or bot. Users are global: they belong to workspaces through <see cref="WorkspaceMember"/>.</summary>
public sealed record User(Ulid Id, string Email, string DisplayName, string PasswordHash, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>An absolute http(s) URL of the user's picture; null when none.</summary>
    public string? AvatarUrl { get; init; }

    /// <summary>What the user says they are up to ("In a meeting"); null when none.</summary>
    public string? StatusText { get; init; }

    /// <summary>An emoji shown with the status (a Unicode emoji or a :short_name:); null when none.</summary>
    public string? StatusEmoji { get; init; }

    /// <summary>A person, or a bot driven by tokens.</summary>
    public UserKind Kind { get; init; }

    /// <summary>For a bot, the member who created it and manages its tokens; null for a person.</summary>
    public Ulid? OwnerId { get; init; }

    /// <summary>
    /// The stable id of this user in the embedding app (host identity) or in a provisioning backend; unique on the server.
    /// Null for accounts that registered themselves.
    /// </summary>
    public string? ExternalId { get; init; }

    /// <summary>A server administrator: manages accounts, API keys and the registration policy.</summary>
    public bool IsServerAdmin { get; init; }

    /// <summary>When a server administrator deactivated the account: it cannot sign in, its content stays.</summary>
    public DateTimeOffset? DeactivatedAt { get; init; }

    public bool IsBot => Kind == UserKind.Bot;

    /// <summary>The form in which emails are compared and kept unique: an address is taken whatever its case.</summary>
    public static string EmailKey(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return email.ToUpperInvariant();
    }
}
