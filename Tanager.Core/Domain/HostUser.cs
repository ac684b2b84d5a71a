namespace Tanager;

/// <summary>
/// A user of the embedding app, as its authentication knows them: a stable id (never reused, e.g. the <c>sub</c> claim)
/// and the profile to show. Tanager creates the account on first sight and follows profile changes.
/// </summary>
public sealed record HostUser(string ExternalId, string DisplayName)
{
    /// <summary>An absolute http(s) URL of the user's picture, or null.</summary>
    public string? AvatarUrl { get; init; }
}
