using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// Single sign-on's rules: which identity provider account is which user, when an existing account may be linked, when
/// a new one may be created, and the one-time code that carries a finished browser sign-in to the app. The protocol
/// itself (authorization code with PKCE, state, nonce, token validation) is ASP.NET Core's handlers' work.
/// </summary>
public sealed class ExternalLoginService(
    IUserStore users, IExternalLoginStore logins, AccountService accounts, AuditLog audit, IOptions<TanagerOptions> options,
    TimeProvider time, ILogger<ExternalLoginService>? logger = null)
{
    private const int MaxSubjectLength = 255;
    private readonly ILogger _logger = logger ?? NullLogger<ExternalLoginService>.Instance;

    /// <summary>The configured provider named <paramref name="name"/>; 404 when there is none.</summary>
    public SsoProviderOptions GetProvider(string? name) =>
        options.Value.Sso.Providers.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal))
        ?? throw TanagerException.NotFound("Identity provider");

    /// <summary>The providers offered, in configured order.</summary>
    public IReadOnlyList<SsoProviderOptions> ListProviders() => [.. options.Value.Sso.Providers];

    /// <summary>
    /// Where a finished sign-in may send the browser: a path on this server (<c>/app</c>, not <c>//host</c>), or an
    /// absolute http(s) URL on <paramref name="serverOrigin"/> or one of <see cref="TanagerOptions.AllowedOrigins"/>.
    /// Anything else would make the server an open redirect that hands out sign-in codes, so it is refused (400).
    /// </summary>
    public string CheckReturnTo(string? returnTo, string serverOrigin)
    {
        if (string.IsNullOrEmpty(returnTo) || returnTo.Length > 2048 || returnTo.Contains('#', StringComparison.Ordinal)
            || returnTo.Any(c => char.IsControl(c) || c == '\\'))
        {
            throw TanagerException.Invalid("return_to must be a path on this server or a URL on an allowed origin, without a fragment.");
        }
        if (returnTo[0] == '/')
        {
            // "//evil.example" and "/\evil.example" are other hosts to a browser.
            if (returnTo.Length > 1 && returnTo[1] == '/')
            {
                throw TanagerException.Invalid("return_to must not name another host.");
            }
            return returnTo;
        }
        if (!Uri.TryCreate(returnTo, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0)
        {
            throw TanagerException.Invalid("return_to must be a path on this server or an http(s) URL on an allowed origin.");
        }
        var origin = uri.GetLeftPart(UriPartial.Authority);
        if (!string.Equals(origin, serverOrigin, StringComparison.OrdinalIgnoreCase)
            && !options.Value.AllowedOrigins.Any(o => string.Equals(o.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase)))
        {
            throw TanagerException.Forbidden("return_to is on an origin this server does not allow (Tanager:AllowedOrigins).");
        }
        return returnTo;
    }

    /// <summary>
    /// A single-use ticket with which the caller's browser starts linking <paramref name="provider"/> to the caller's
    /// account (<c>…/start?link_ticket=…</c>). Only a login session may link: a bot token or API key is not a person at a browser.
    /// </summary>
    public async Task<(string Ticket, TimeSpan ExpiresIn)> IssueLinkTicketAsync(Caller caller, string? provider, CancellationToken cancellationToken = default)
    {
        EnsureLogin(caller, "link an identity provider");
        GetProvider(provider);
        var lifetime = options.Value.Sso.LinkTicketLifetime;
        var (_, ticket) = await users.IssueAsync(time, caller.UserId, CredentialKind.SsoLinkTicket, lifetime, parentId: caller.CredentialId, cancellationToken: cancellationToken);
        return (ticket, lifetime);
    }

    /// <summary>The identity provider accounts linked to the caller's account, oldest first (a login session only).</summary>
    public async Task<IReadOnlyList<ExternalLogin>> ListLinksAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        EnsureLogin(caller, "list linked identity providers");
        return await logins.ListExternalLoginsAsync(caller.UserId, cancellationToken);
    }

    /// <summary>
    /// Removes the caller's link to <paramref name="provider"/> (a login session only, as for linking). Refused with 409
    /// <c>last_sign_in_method</c> when the account has no password and no other link: it could never sign in again.
    /// A provider no longer configured may still be unlinked.
    /// </summary>
    public async Task UnlinkAsync(Caller caller, string? provider, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        EnsureLogin(caller, "unlink an identity provider");
        var links = await logins.ListExternalLoginsAsync(caller.UserId, cancellationToken);
        if (provider is null || !links.Any(l => l.Provider == provider))
        {
            throw TanagerException.NotFound("Linked identity provider");
        }
        var user = await users.GetAsync(caller.UserId, cancellationToken) ?? throw TanagerException.NotFound("User");
        if (user.PasswordHash.Length == 0 && links.All(l => l.Provider == provider))
        {
            throw TanagerException.Conflict(ErrorCodes.LastSignInMethod, "This account has no password and no other identity provider: set a password or link another provider first.");
        }
        if (await logins.RemoveExternalLoginsAsync(caller.UserId, provider, cancellationToken))
        {
            Log.SsoUnlinked(_logger, provider, caller.UserId.ToString());
            await audit.RecordAsync(AuditEventKinds.ExternalLoginUnlinked, caller.UserId, caller.UserId, client, provider, cancellationToken);
        }
    }

    /// <summary>Uses up a link ticket and returns the user it was issued to; 401 when it is unknown, used or expired.</summary>
    public async Task<Ulid> RedeemLinkTicketAsync(string? ticket, CancellationToken cancellationToken = default)
    {
        var taken = await TakeAsync(ticket, Credentials.SsoLinkPrefix, CredentialKind.SsoLinkTicket, cancellationToken);
        return taken?.User.Id ?? throw TanagerException.Unauthorized(ErrorCodes.SsoFailed, "The link ticket is unknown, used or expired: ask for a new one.");
    }

    /// <summary>
    /// Finishes a sign-in the provider vouched for, and returns the one-time code the browser carries to the app. The
    /// identity already linked signs its user in. Else, with <paramref name="linkTo"/> (a signed-in user's link ticket),
    /// the identity is linked to that user. Else an account with the same email is linked only when the provider
    /// verified the email; otherwise a new account is created under the registration policy, with no password.
    /// </summary>
    public async Task<string> SignInAsync(ExternalIdentity identity, Ulid? linkTo = null, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var provider = GetProvider(identity.Provider).Name;
        if (string.IsNullOrEmpty(identity.Subject) || identity.Subject.Length > MaxSubjectLength)
        {
            throw TanagerException.Unauthorized(ErrorCodes.SsoFailed, "The identity provider named no usable subject.");
        }
        var user = await ResolveUserAsync(provider, identity, linkTo, client, cancellationToken);
        if (user.DeactivatedAt is not null)
        {
            await audit.RecordAsync(AuditEventKinds.LoginFailed, user.Id, null, client, $"single sign-on ({provider}): account deactivated", cancellationToken);
            throw TanagerException.Unauthorized(ErrorCodes.AccountDeactivated, "This account has been deactivated.");
        }
        // The code remembers its provider (as its name), which decides at the exchange whether the second factor is asked.
        var (_, code) = await users.IssueAsync(time, user.Id, CredentialKind.SsoCode, options.Value.Sso.CodeLifetime, name: provider, client: client, cancellationToken: cancellationToken);
        Log.SsoSignedIn(_logger, provider, user.Id.ToString());
        return code;
    }

    /// <summary>
    /// Trades a one-time sign-in code for a login session, exactly as a password login issues one; the code works once.
    /// An account with two-factor sign-in gets a challenge instead, as a right password would, unless the code's provider
    /// is trusted for it (<see cref="SsoProviderOptions.TrustProviderTwoFactor"/>).
    /// </summary>
    public async Task<LoginResult> ExchangeAsync(string? code, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        var (user, ssoCode) = await TakeAsync(code, Credentials.SsoCodePrefix, CredentialKind.SsoCode, cancellationToken)
            ?? throw TanagerException.Unauthorized(ErrorCodes.SsoFailed, "The sign-in code is unknown, used or expired: sign in again.");
        var provider = ssoCode.Name ?? "";
        if (user.DeactivatedAt is not null)
        {
            await audit.RecordAsync(AuditEventKinds.LoginFailed, user.Id, null, client, $"single sign-on ({provider}): account deactivated", cancellationToken);
            throw TanagerException.Unauthorized(ErrorCodes.AccountDeactivated, "This account has been deactivated.");
        }
        // A provider removed from the configuration since the code was issued is trusted for nothing.
        var trusted = options.Value.Sso.Providers.FirstOrDefault(p => p.Name == provider)?.TrustProviderTwoFactor == true;
        return await accounts.SignInAsync(user, askSecondFactor: !trusted, $"single sign-on ({provider})", client, cancellationToken);
    }

    private async Task<User> ResolveUserAsync(string provider, ExternalIdentity identity, Ulid? linkTo, ClientInfo? client, CancellationToken cancellationToken)
    {
        if (await logins.FindExternalLoginAsync(provider, identity.Subject, cancellationToken) is { } existing)
        {
            if (linkTo is { } target && target != existing.UserId)
            {
                throw TanagerException.Conflict(ErrorCodes.ExternalLoginTaken, "This account at the identity provider is linked to another user.");
            }
            return await users.GetAsync(existing.UserId, cancellationToken) ?? throw TanagerException.Unauthorized(ErrorCodes.SsoFailed, "The linked account no longer exists.");
        }
        var email = identity.EmailVerified && !string.IsNullOrWhiteSpace(identity.Email) ? TryEmail(identity.Email) : null;
        if (linkTo is { } userId)
        {
            var signedIn = await users.GetAsync(userId, cancellationToken) ?? throw TanagerException.NotFound("User");
            await LinkAsync(provider, identity, signedIn, "from a signed-in session", client, cancellationToken);
            return signedIn;
        }
        // Only an address the provider verified may claim an account: with an unverified one, anyone who can type a
        // victim's address into their provider profile would sign in as the victim.
        if (email is not null && await users.FindByEmailAsync(email, cancellationToken) is { Kind: UserKind.Human } owner)
        {
            await LinkAsync(provider, identity, owner, "verified email", client, cancellationToken);
            return owner;
        }
        return await CreateAsync(provider, identity, email, client, cancellationToken);
    }

    private async Task<User> CreateAsync(string provider, ExternalIdentity identity, string? verifiedEmail, ClientInfo? client, CancellationToken cancellationToken)
    {
        var first = await users.CountAsync(cancellationToken) == 0;
        // The same policy as registration with a password (AccountService.RegisterAsync), the first account included.
        var policy = options.Value.Registration;
        if (!first || policy == RegistrationPolicy.Closed)
        {
            if (policy == RegistrationPolicy.Closed)
            {
                Log.SsoRefused(_logger, provider, "registration is closed");
                throw new TanagerException(TanagerErrorKind.Forbidden, ErrorCodes.RegistrationClosed, "This server does not take registrations: ask an administrator for an account.");
            }
            if (policy == RegistrationPolicy.InviteOnly)
            {
                Log.SsoRefused(_logger, provider, "registration is invite-only");
                throw new TanagerException(TanagerErrorKind.Forbidden, ErrorCodes.RegistrationClosed,
                    "This server registers only with a workspace invite: register with the invite first, then link this identity provider from your account.");
            }
        }
        var now = time.UtcNow();
        var id = Ulid.NewUlid(now);
        var name = Validate.OptionalText(Trimmed(identity.DisplayName), "display_name", Validate.MaxDisplayNameLength)
            ?? Validate.OptionalText(Trimmed(verifiedEmail?.Split('@')[0]), "display_name", Validate.MaxDisplayNameLength)
            ?? "New user";
        // No password: the account signs in through its provider (a password login fails as a wrong password would). Without
        // a verified email the address is a unique placeholder in the reserved .invalid domain (RFC 2606), so an address
        // the provider did not vouch for can never keep its owner from registering it.
        var user = new User(id, verifiedEmail ?? $"{id}@sso.tanager.invalid", name, "", now, now) { IsServerAdmin = first };
        if (!await users.TryCreateAsync(user, cancellationToken))
        {
            throw TanagerException.Conflict(ErrorCodes.EmailTaken, "An account with this email exists.");
        }
        await audit.RecordAsync(AuditEventKinds.AccountCreated, user.Id, user.Id, client,
            first ? $"single sign-on ({provider}); first account: server administrator" : $"single sign-on ({provider})", cancellationToken);
        await LinkAsync(provider, identity, user, "new account", client, cancellationToken);
        Log.SsoUserCreated(_logger, provider, user.Id.ToString());
        return user;
    }

    private async Task LinkAsync(string provider, ExternalIdentity identity, User user, string how, ClientInfo? client, CancellationToken cancellationToken)
    {
        var link = new ExternalLogin(provider, identity.Subject, user.Id, time.UtcNow())
        {
            Email = identity.Email is { Length: <= Validate.MaxEmailLength } e ? e : null,
        };
        if (!await logins.TryAddExternalLoginAsync(link, cancellationToken))
        {
            // A parallel sign-in of the same identity linked it first; it is that user's now.
            var winner = await logins.FindExternalLoginAsync(provider, identity.Subject, cancellationToken);
            if (winner?.UserId != user.Id)
            {
                throw TanagerException.Conflict(ErrorCodes.ExternalLoginTaken, "This account at the identity provider is linked to another user.");
            }
            return;
        }
        Log.SsoLinked(_logger, provider, user.Id.ToString(), how);
        await audit.RecordAsync(AuditEventKinds.ExternalLoginLinked, user.Id, user.Id, client, $"{provider} ({how})", cancellationToken);
    }

    private async Task<(User User, UserSession Session)?> TakeAsync(string? secret, string prefix, CredentialKind kind, CancellationToken cancellationToken)
    {
        if (secret is null || secret.Length > 128 || !secret.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var hash = Credentials.Hash(secret);
        if (await users.GetSessionAsync(hash, cancellationToken) is not { Session: var session, User: var user }
            || session.Kind != kind || session.ExpiresAt <= time.UtcNow())
        {
            return null;
        }
        // Deleting is what uses it: of two parallel exchanges only one deletes the row.
        return await users.DeleteSessionAsync(hash, cancellationToken) ? (user, session) : null;
    }

    /// <summary>Linking is a person's act at a browser: a bot token or API key may not do it.</summary>
    private static void EnsureLogin(Caller caller, string what)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.Kind != CredentialKind.Login)
        {
            throw new TanagerException(TanagerErrorKind.Forbidden, ErrorCodes.LoginSessionRequired, $"Only a login session may {what}.");
        }
    }

    private static string? TryEmail(string value)
    {
        try
        {
            return Validate.Email(value);
        }
        catch (TanagerException)
        {
            return null;
        }
    }

    /// <summary>A provider's name for someone, without control characters and cut to the display name's limit.</summary>
    private static string? Trimmed(string? value)
    {
        if (value is null)
        {
            return null;
        }
        var clean = new string([.. value.Where(c => !char.IsControl(c))]).Trim();
        return clean.Length > Validate.MaxDisplayNameLength ? clean[..Validate.MaxDisplayNameLength] : clean;
    }
}
