namespace Tanager;

/// <summary>
/// A user of the embedding app, as its authentication knows them: a stable id (never reused, e.g. the <c>sub</c> claim)
/// and the profile to show. Tanager creates the account on first sight and follows profile changes.
/// </summary>
public sealed record HostUser(string ExternalId, string DisplayName)
{
    /// <summary>An absolute http(s) URL of the user's picture, or null.</summary>
    public string? AvatarUrl { get; init; }

    /// <summary>
    /// Whether the host makes this user a server administrator (e.g. from a role claim), followed at every sign-in; null
    /// leaves the flag as the admin API set it. An app whose password registration is closed has no other first administrator.
    /// </summary>
    public bool? IsServerAdmin { get; init; }
}
