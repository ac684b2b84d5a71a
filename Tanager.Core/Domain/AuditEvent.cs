using NUlid;

namespace Tanager;

/// <summary>
/// A security event in the audit log: a sign-in, a second-factor change, a credential made or revoked, a role or
/// password change. <see cref="Kind"/> is one of <see cref="AuditEventKinds"/>. Never holds a secret.
/// </summary>
public sealed record AuditEvent(Ulid Id, string Kind, DateTimeOffset OccurredAt)
{
    /// <summary>Who acted: the signed-in user, <see cref="NUlid.Ulid.Empty"/> for the command line, null when nobody signed in.</summary>
    public Ulid? ActorId { get; init; }

    /// <summary>The account the event concerns (the one signing in, whose role changed); null when unknown (a login for an unknown email).</summary>
    public Ulid? UserId { get; init; }

    /// <summary>The client's address as seen behind the server's trusted proxies, when the event came from a request.</summary>
    public string? IpAddress { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>What else helps to read the event: the email tried, the reason of a failure, the role given, a credential's id.</summary>
    public string? Detail { get; init; }
}
