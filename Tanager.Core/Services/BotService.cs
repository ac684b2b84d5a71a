using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// Bot accounts: users of kind bot, each owned by the workspace member who created it, driven by tokens limited to scopes.
/// Only the owner manages a bot's tokens; to anyone else a bot id is "not found" (server administrators deactivate a bot
/// like any account, through the admin API).
/// </summary>
public sealed class BotService(IUserStore users, IWorkspaceStore workspaces, WorkspaceService workspaceService, EventDispatcher events, AuditLog audit, TimeProvider time)
{
    /// <summary>Bot tokens live until revoked; a date far past any server's life stands for "never" in every store.</summary>
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromDays(365 * 100);

    /// <summary>
    /// Creates a bot in a workspace the caller belongs to (guests may not), as a member of it, with a first token that has
    /// <paramref name="scopes"/> (every scope when null). The token is returned once.
    /// </summary>
    public async Task<(User Bot, UserSession Credential, string Token)> CreateAsync(Caller caller, Ulid workspaceId, string? name, IReadOnlyList<string>? scopes, CancellationToken cancellationToken = default)
    {
        EnsurePerson(caller);
        var validName = Validate.Text(name, "name", Validate.MaxDisplayNameLength);
        var validScopes = Scope.Parse(scopes);
        var membership = await Access.WorkspaceMemberAsync(workspaces, workspaceId, caller.UserId, cancellationToken);
        if (membership.Role == WorkspaceRole.Guest)
        {
            throw TanagerException.Forbidden("A guest may not add bots.");
        }
        var now = time.UtcNow();
        var id = Ulid.NewUlid(now);
        // Bots sign in with tokens, never a password; the address is a unique placeholder in the reserved .invalid domain.
        var bot = new User(id, $"{id}@bots.tanager.invalid", validName, "", now, now) { Kind = UserKind.Bot, OwnerId = caller.UserId };
        if (!await users.TryCreateAsync(bot, cancellationToken))
        {
            throw TanagerException.Conflict(ErrorCodes.Conflict, "The bot could not be created.");
        }
        var member = new WorkspaceMember(workspaceId, bot.Id, WorkspaceRole.Member, now);
        await workspaces.TryAddMemberAsync(member, cancellationToken);
        await events.PublishAsync(Membership.Joined(member), member.ToDto(bot), TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);
        var (credential, token) = await IssueTokenAsync(caller, bot.Id, "default", validScopes, cancellationToken);
        return (bot, credential, token);
    }

    /// <summary>The bots that are members of a workspace the caller belongs to.</summary>
    public async Task<IReadOnlyList<User>> ListAsync(Caller caller, Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var members = await workspaceService.ListMembersAsync(caller.UserId, workspaceId, cancellationToken);
        return [.. members.Select(m => m.User).Where(u => u.IsBot)];
    }

    /// <summary>A new token for a bot the caller owns, shown once.</summary>
    public async Task<(UserSession Credential, string Token)> CreateTokenAsync(Caller caller, string? botId, string? name, IReadOnlyList<string>? scopes, CancellationToken cancellationToken = default)
    {
        var bot = await OwnedBotAsync(caller, botId, cancellationToken);
        var validName = Validate.TokenName(name);
        return await IssueTokenAsync(caller, bot.Id, validName, Scope.Parse(scopes), cancellationToken);
    }

    public async Task<IReadOnlyList<UserSession>> ListTokensAsync(Caller caller, string? botId, CancellationToken cancellationToken = default)
    {
        var bot = await OwnedBotAsync(caller, botId, cancellationToken);
        return await users.ListSessionsAsync(bot.Id, CredentialKind.BotToken, cancellationToken);
    }

    /// <summary>Revokes one token: it answers 401 from the next request on, and its live connections close on every node.</summary>
    public async Task RevokeTokenAsync(Caller caller, string? botId, string? tokenId, CancellationToken cancellationToken = default)
    {
        var bot = await OwnedBotAsync(caller, botId, cancellationToken);
        if (!Ulid.TryParse(tokenId, out var id))
        {
            throw TanagerException.NotFound("Token");
        }
        var revoked = await users.DeleteSessionsAsync(bot.Id, CredentialKind.BotToken, id, null, cancellationToken);
        if (revoked.Count == 0)
        {
            throw TanagerException.NotFound("Token");
        }
        await events.AnnounceRevokedAsync(bot.Id, revoked, all: false, cancellationToken);
        await audit.RecordAsync(AuditEventKinds.BotTokenRevoked, caller, bot.Id, $"token {id}", cancellationToken);
    }

    /// <summary>Deactivates a bot the caller owns: every token dies at once, its messages stay.</summary>
    public async Task DeactivateAsync(Caller caller, string? botId, CancellationToken cancellationToken = default)
    {
        var bot = await OwnedBotAsync(caller, botId, cancellationToken);
        await users.UpdateAccountAsync(bot with { DeactivatedAt = time.UtcNow(), UpdatedAt = time.UtcNow() }, cancellationToken);
        await users.DeleteSessionsAsync(bot.Id, null, null, null, cancellationToken);
        await events.AnnounceRevokedAsync(bot.Id, [], all: true, cancellationToken);
        await audit.RecordAsync(AuditEventKinds.BotTokenRevoked, caller, bot.Id, "every token (bot deleted)", cancellationToken);
    }

    private async Task<(UserSession Session, string Token)> IssueTokenAsync(Caller caller, Ulid botId, string? name, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        var issued = await users.IssueAsync(time, botId, CredentialKind.BotToken, TokenLifetime, scopes, name, cancellationToken: cancellationToken);
        await audit.RecordAsync(AuditEventKinds.BotTokenCreated, caller, botId, $"token {issued.Session.Id} ({name}), scopes {string.Join(' ', scopes)}", cancellationToken);
        return issued;
    }

    private async Task<User> OwnedBotAsync(Caller caller, string? botId, CancellationToken cancellationToken)
    {
        EnsurePerson(caller);
        if (!Ulid.TryParse(botId, out var id) || await users.GetAsync(id, cancellationToken) is not { IsBot: true, DeactivatedAt: null } bot
            || bot.OwnerId != caller.UserId)
        {
            throw TanagerException.NotFound("Bot");
        }
        return bot;
    }

    /// <summary>Bots are managed by people: a bot token (or a ticket) cannot create bots or mint tokens.</summary>
    private static void EnsurePerson(Caller caller) =>
        Access.EnsurePerson(caller, "Bots are managed by people: use a login session, host identity or an API key.");
}
