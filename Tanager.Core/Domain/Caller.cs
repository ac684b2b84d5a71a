using NUlid;

namespace Tanager;

/// <summary>
/// Who is making a request, and with what: the user it acts as, how it signed in, the credential (for revocation) and the
/// scopes the credential is limited to (null: every scope). Produced by <see cref="AccountService"/>'s authentication.
/// </summary>
public sealed record Caller(User User, CredentialKind Kind, Ulid CredentialId, IReadOnlySet<string>? Scopes)
{
    public Ulid UserId => User.Id;

    /// <summary>
    /// The <c>tanager admin</c> command line: a server administrator that is no account (its user, id 0, is never stored).
    /// API keys it creates record that id as their creator.
    /// </summary>
    public static Caller CommandLine { get; } = new(
        new User(Ulid.Empty, "command-line@tanager.invalid", "tanager command line", "", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch),
        CredentialKind.Console,
        Ulid.Empty,
        null);

    /// <summary>Server administration: a server administrator's own login, an API key, or the command line.</summary>
    public bool IsServerAdministrator => Kind is CredentialKind.ApiKey or CredentialKind.Console || (User.IsServerAdmin && Kind is CredentialKind.Login or CredentialKind.Host);
}
