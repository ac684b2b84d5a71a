namespace Tanager.Protocol;

/// <summary>SESSION_REVOKED, sent on the user's own subject: those credentials no longer work, and their connections close.</summary>
public sealed record SessionRevocationDto
{
    /// <summary>The revoked sessions or tokens; absent when <see cref="All"/> is true.</summary>
    public IReadOnlyList<string>? SessionIds { get; init; }
    /// <summary>Every credential of the user was revoked (deactivation).</summary>
    public bool All { get; init; }
}
