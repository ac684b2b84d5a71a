using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

public sealed partial class AccountService
{
    /// <summary>A use of a credential is written at most this often, so that reads do not become a write per request.</summary>
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Who a bearer token belongs to, or null when it is unknown, expired, idle too long, used up (a ticket), revoked, its
    /// account deactivated, or not good for <paramref name="use"/> (a gateway ticket is only for a connection). An API key
    /// must name the user it acts as (<paramref name="actAs"/>), except on the admin API, where it acts as the server;
    /// other credentials may not act as anyone else.
    /// </summary>
    public async Task<Caller?> AuthenticateAsync(string? token, string? actAs = null, CredentialUse use = CredentialUse.Api, ClientInfo? client = null, CancellationToken cancellationToken = default)
    {
        if (token is null || token.Length > 128)
        {
            return null;
        }
        if (use == CredentialUse.UrlTicket && !token.StartsWith(Credentials.TicketPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        if (token.StartsWith(Credentials.ApiKeyPrefix, StringComparison.Ordinal))
        {
            return await AuthenticateApiKeyAsync(token, actAs, use == CredentialUse.AdminApi, cancellationToken);
        }
        var kind = Credentials.KindOf(token);
        if (kind is null || (kind == CredentialKind.GatewayTicket && use is not (CredentialUse.Connection or CredentialUse.UrlTicket)))
        {
            return null;
        }
        if (actAs is not null)
        {
            throw TanagerException.Invalid("Only an API key may act as another user (Tanager-Act-As).");
        }
        var hash = Credentials.Hash(token);
        var signedIn = await users.GetSessionAsync(hash, cancellationToken);
        var now = time.UtcNow();
        if (signedIn is not { Session: var session, User: var user } || session.Kind != kind || session.ExpiresAt <= now || user.DeactivatedAt is not null
            || (kind == CredentialKind.Login && now - session.LastUsedAt > options.Value.SessionIdleTimeout))
        {
            return null;
        }
        if (kind == CredentialKind.GatewayTicket && !await users.DeleteSessionAsync(hash, cancellationToken))
        {
            return null; // another connection used the ticket first
        }
        if (kind != CredentialKind.GatewayTicket && now - session.LastUsedAt >= TouchInterval)
        {
            await users.TouchSessionAsync(session.Id, now, client?.TrimmedUserAgent, client?.IpAddress, cancellationToken);
        }
        var scopes = session.Scopes is null ? null : new HashSet<string>(session.Scopes, StringComparer.Ordinal);
        return new Caller(user, kind.Value, session.ParentId ?? session.Id, scopes);
    }

    /// <summary>
    /// A single-use ticket for one gateway IDENTIFY or one event stream, for browsers that cannot send an Authorization
    /// header on a WebSocket upgrade. It carries the caller's scopes, and revoking the caller's session closes the
    /// connection made with it.
    /// </summary>
    public async Task<(string Ticket, TimeSpan ExpiresIn)> IssueGatewayTicketAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        Scope.Demand(Scope.MessagesRead);
        var lifetime = options.Value.GatewayTicketLifetime;
        var parent = caller.Kind is CredentialKind.Login or CredentialKind.BotToken ? caller.CredentialId : (Ulid?)null;
        var (_, ticket) = await users.IssueAsync(time, caller.UserId, CredentialKind.GatewayTicket, lifetime, caller.Scopes?.ToList(), parentId: parent, cancellationToken: cancellationToken);
        return (ticket, lifetime);
    }

    /// <summary>
    /// Signs in a user of the embedding app (host identity): the account with this external id, created on first sight,
    /// with its display name and avatar following the host's. A deactivated account is refused.
    /// </summary>
    public async Task<Caller> SignInHostUserAsync(HostUser hostUser, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostUser);
        var externalId = Validate.ExternalId(hostUser.ExternalId);
        var user = await users.FindByExternalIdAsync(externalId, cancellationToken);
        if (user is null)
        {
            var name = Validate.Text(hostUser.DisplayName, "display_name", Validate.MaxDisplayNameLength);
            var now = time.UtcNow();
            var id = Ulid.NewUlid(now);
            // Host users sign in through the host, never with a password, and their email is the host's business: the
            // address is a unique placeholder in the reserved .invalid domain (RFC 2606), so it can collide with no one.
            var created = new User(id, $"{id}@host.tanager.invalid", name, "", now, now)
            {
                ExternalId = externalId,
                AvatarUrl = Validate.AvatarUrl(hostUser.AvatarUrl) is { Length: > 0 } avatar ? avatar : null,
                IsServerAdmin = hostUser.IsServerAdmin ?? false,
            };
            user = await users.TryCreateAsync(created, cancellationToken) ? created
                : await users.FindByExternalIdAsync(externalId, cancellationToken) ?? throw TanagerException.Conflict(ErrorCodes.Conflict, "The account could not be created.");
        }
        else if (user.DisplayName != hostUser.DisplayName || (user.AvatarUrl ?? "") != (hostUser.AvatarUrl ?? ""))
        {
            user = await UpdateProfileAsync(user.Id, hostUser.DisplayName, hostUser.AvatarUrl ?? "", null, null, cancellationToken);
        }
        if (user.DeactivatedAt is not null)
        {
            throw TanagerException.Unauthorized(ErrorCodes.AccountDeactivated, "This account has been deactivated.");
        }
        if (hostUser.IsServerAdmin is { } serverAdmin && serverAdmin != user.IsServerAdmin)
        {
            user = user with { IsServerAdmin = serverAdmin, UpdatedAt = time.UtcNow() };
            await users.UpdateAccountAsync(user, cancellationToken);
        }
        return new Caller(user, CredentialKind.Host, user.Id, null);
    }

    private async Task<Caller?> AuthenticateApiKeyAsync(string token, string? actAs, bool adminApi, CancellationToken cancellationToken)
    {
        var key = await users.GetApiKeyAsync(Credentials.Hash(token), cancellationToken);
        if (key is null)
        {
            return null;
        }
        if (actAs is null)
        {
            if (!adminApi)
            {
                throw new TanagerException(TanagerErrorKind.InvalidRequest, ErrorCodes.ActAsRequired, "An API key acts as a user here: name the user's id in the Tanager-Act-As header.");
            }
            // On the admin API the key acts as the server; the user is whoever created it (an administrator or the
            // command line), for the record.
            var creator = await users.GetAsync(key.CreatedBy, cancellationToken) ?? Caller.CommandLine.User;
            return new Caller(creator, CredentialKind.ApiKey, key.Id, null);
        }
        if (!Ulid.TryParse(actAs, out var userId) || await users.GetAsync(userId, cancellationToken) is not { DeactivatedAt: null } user)
        {
            throw TanagerException.Invalid("Tanager-Act-As must be the id of an active user.");
        }
        return new Caller(user, CredentialKind.ApiKey, key.Id, null);
    }
}
