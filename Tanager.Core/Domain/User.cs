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

    /// <summary>The form in which emails are compared and kept unique: an address is taken whatever its case.</summary>
    public static string EmailKey(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return email.ToUpperInvariant();
    }
}
