using NUlid;

namespace Tanager;

/// <summary>A person or bot. Users are global: they belong to workspaces through <see cref="WorkspaceMember"/>.</summary>
public sealed record User(Ulid Id, string Email, string DisplayName, string PasswordHash, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>The form in which emails are compared and kept unique: an address is taken whatever its case.</summary>
    public static string EmailKey(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return email.ToUpperInvariant();
    }
}
