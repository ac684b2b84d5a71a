using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>Signing in with a token, sessions, passwords and bots.</summary>
public sealed partial class TanagerClient
{
    /// <summary>
    /// A client for a token you hold — a bot token (<c>tgb_…</c>) or a login session — with <see cref="User"/> filled in.
    /// Throws <see cref="TanagerApiException"/> (401) when the server refuses the token.
    /// </summary>
    public static async Task<TanagerClient> FromTokenAsync(Uri serverUrl, string token, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        return await SignedInAsync(new TanagerClient(serverUrl, token), cancellationToken);
    }

    /// <summary>
    /// A client for a page of an app that signs people in itself and hosts Tanager with <c>UseHostIdentity</c>: it holds
    /// no token; its requests carry the app's own sign-in (in a browser, the same-origin cookie), and each gateway
    /// connection identifies with a single-use ticket. <see cref="User"/> is filled in. Throws
    /// <see cref="TanagerApiException"/> (401) when nobody is signed in to the app.
    /// </summary>
    public static Task<TanagerClient> FromHostSessionAsync(Uri serverUrl, HttpClient? httpClient = null, CancellationToken cancellationToken = default) =>
        SignedInAsync(new TanagerClient(serverUrl, token: null, httpClient), cancellationToken);

    /// <summary><paramref name="client"/> with <see cref="User"/> filled in, or disposed and the server's refusal thrown.</summary>
    private static async Task<TanagerClient> SignedInAsync(TanagerClient client, CancellationToken cancellationToken)
    {
        try
        {
            await client.GetMeAsync(cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Your login sessions, newest first; the one this client uses has <see cref="SessionDto.Current"/> set.</summary>
    public Task<IReadOnlyList<SessionDto>> ListSessionsAsync(CancellationToken cancellationToken = default) =>
        GetAsync("auth/sessions", TanagerJsonContext.Default.IReadOnlyListSessionDto, cancellationToken);

    /// <summary>Signs one of your sessions out; its live connections close.</summary>
    public Task RevokeSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Delete, $"auth/sessions/{Escape(sessionId)}", null, null, null, cancellationToken);

    /// <summary>Signs every other session out; this one stays.</summary>
    public Task RevokeOtherSessionsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Delete, "auth/sessions", null, null, null, cancellationToken);

    /// <summary>Changes your password; every other session is signed out.</summary>
    public Task ChangePasswordAsync(string currentPassword, string newPassword, CancellationToken cancellationToken = default) =>
        SendAsync<ChangePasswordRequest, object>(HttpMethod.Post, "auth/password", new ChangePasswordRequest { CurrentPassword = currentPassword, NewPassword = newPassword }, TanagerJsonContext.Default.ChangePasswordRequest, null, cancellationToken);

    /// <summary>A single-use ticket for one gateway connection, for a browser page that cannot send headers on a WebSocket.</summary>
    public Task<GatewayTicketDto> CreateGatewayTicketAsync(CancellationToken cancellationToken = default) =>
        SendAsync<object, GatewayTicketDto>(HttpMethod.Post, "gateway/ticket", null, null, TanagerJsonContext.Default.GatewayTicketDto, cancellationToken)!;

    /// <summary>Creates a bot in a workspace, owned by you, with a first token (in <see cref="BotDto.Token"/>, shown once).</summary>
    public Task<BotDto> CreateBotAsync(string workspaceId, string name, IReadOnlyList<string>? scopes = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"workspaces/{Escape(workspaceId)}/bots", new CreateBotRequest { Name = name, Scopes = scopes }, TanagerJsonContext.Default.CreateBotRequest, TanagerJsonContext.Default.BotDto, cancellationToken);

    public Task<IReadOnlyList<BotDto>> ListBotsAsync(string workspaceId, CancellationToken cancellationToken = default) =>
        GetAsync($"workspaces/{Escape(workspaceId)}/bots", TanagerJsonContext.Default.IReadOnlyListBotDto, cancellationToken);

    /// <summary>Another token for a bot you own (<see cref="TokenDto.Token"/> is shown once).</summary>
    public Task<TokenDto> CreateBotTokenAsync(string botId, string? name = null, IReadOnlyList<string>? scopes = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"bots/{Escape(botId)}/tokens", new CreateTokenRequest { Name = name, Scopes = scopes }, TanagerJsonContext.Default.CreateTokenRequest, TanagerJsonContext.Default.TokenDto, cancellationToken);

    public Task<IReadOnlyList<TokenDto>> ListBotTokensAsync(string botId, CancellationToken cancellationToken = default) =>
        GetAsync($"bots/{Escape(botId)}/tokens", TanagerJsonContext.Default.IReadOnlyListTokenDto, cancellationToken);

    /// <summary>Revokes a bot token: the next request with it answers 401 and its connections close.</summary>
    public Task RevokeBotTokenAsync(string botId, string tokenId, CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Delete, $"bots/{Escape(botId)}/tokens/{Escape(tokenId)}", null, null, null, cancellationToken);
}
