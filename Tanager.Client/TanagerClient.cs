using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using Tanager.Client.Internal;
using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>
/// A Tanager account's view of a server: typed REST calls, and <see cref="Gateway"/> for live events.
/// Create one with <see cref="LoginAsync"/> or <see cref="RegisterAsync"/>, or from a token you hold.
/// </summary>
public sealed partial class TanagerClient : IAsyncDisposable
{
    /// <summary>How many times a call that got 429 (or 503 with Retry-After) is retried, honouring Retry-After, before it is surfaced.</summary>
    private const int MaxRateLimitRetries = 3;
    // A longer Retry-After is surfaced at once (TanagerApiException.RetryAfter): a caller asked to wait minutes, such as
    // a throttled login, should decide for itself rather than hang in a call.
    /// <summary>Attempts of a send whose connection failed; the nonce makes the repeats harmless.</summary>
    private const int MaxSendAttempts = 3;
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private TanagerGateway? _gateway;

    public TanagerClient(Uri serverUrl, string? token = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(serverUrl);
        // Without a trailing slash, relative URLs would replace the last segment: http://host/chat + api → http://host/api.
        ServerUrl = serverUrl.AbsolutePath.EndsWith('/') ? serverUrl : new Uri(serverUrl + "/");
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient();
        Token = token;
    }

    public Uri ServerUrl { get; }
    public string? Token { get; private set; }

    /// <summary>The signed-in user, once known (after login or register, or <see cref="GetMeAsync"/>).</summary>
    public UserDto? User { get; private set; }

    /// <summary>The live connection for this account. It connects when you call <see cref="TanagerGateway.ConnectAsync"/>.</summary>
    public TanagerGateway Gateway => _gateway ??= new TanagerGateway(this);

    /// <summary>
    /// Signs in with email and password. For an account with two-factor sign-in this throws
    /// <see cref="TanagerTwoFactorRequiredException"/>: ask the person for a code and call <see cref="CompleteLoginAsync"/>
    /// with its <see cref="TanagerTwoFactorRequiredException.Challenge"/> (or use the overload that takes the code).
    /// </summary>
    public static Task<TanagerClient> LoginAsync(Uri serverUrl, string email, string password, CancellationToken cancellationToken = default) =>
        SignInAsync(serverUrl, "auth/login", new LoginRequest { Email = email, Password = password }, TanagerJsonContext.Default.LoginRequest, cancellationToken);

    /// <summary>
    /// Signs in with email, password and, when the account has two-factor sign-in, <paramref name="twoFactorCode"/> (the
    /// authenticator's current code) in the same call: the password step, then the code step.
    /// </summary>
    public static async Task<TanagerClient> LoginAsync(Uri serverUrl, string email, string password, string? twoFactorCode, CancellationToken cancellationToken = default)
    {
        try
        {
            return await LoginAsync(serverUrl, email, password, cancellationToken);
        }
        catch (TanagerTwoFactorRequiredException required) when (!string.IsNullOrEmpty(twoFactorCode))
        {
            return await CompleteLoginAsync(serverUrl, required.Challenge, twoFactorCode, cancellationToken);
        }
    }

    /// <summary>
    /// The second step of a two-factor login: the challenge from <see cref="TanagerTwoFactorRequiredException"/> and the
    /// authenticator's current code. A challenge is good for one try: after a wrong code, sign in with the password again.
    /// </summary>
    public static Task<TanagerClient> CompleteLoginAsync(Uri serverUrl, string challenge, string code, CancellationToken cancellationToken = default) =>
        SignInAsync(serverUrl, "auth/login/two-factor", new TwoFactorCodeRequest { Challenge = challenge, Code = code }, TanagerJsonContext.Default.TwoFactorCodeRequest, cancellationToken);

    /// <summary>Like <see cref="CompleteLoginAsync"/> with one of the account's recovery codes (each works once) in place of a code.</summary>
    public static Task<TanagerClient> CompleteLoginWithRecoveryCodeAsync(Uri serverUrl, string challenge, string recoveryCode, CancellationToken cancellationToken = default) =>
        SignInAsync(serverUrl, "auth/login/two-factor", new TwoFactorCodeRequest { Challenge = challenge, RecoveryCode = recoveryCode }, TanagerJsonContext.Default.TwoFactorCodeRequest, cancellationToken);

    private static async Task<TanagerClient> SignInAsync<TRequest>(Uri serverUrl, string path, TRequest body, JsonTypeInfo<TRequest> requestType, CancellationToken cancellationToken)
    {
        var client = new TanagerClient(serverUrl);
        try
        {
            var session = await client.SendAsync(HttpMethod.Post, path, body, requestType, TanagerJsonContext.Default.SessionResponse, cancellationToken);
            client.Token = session.Token;
            client.User = session.User;
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public static async Task<TanagerClient> RegisterAsync(Uri serverUrl, string email, string password, string displayName, CancellationToken cancellationToken = default)
    {
        var client = new TanagerClient(serverUrl);
        var session = await client.SendAsync(HttpMethod.Post, "auth/register", new RegisterRequest { Email = email, Password = password, DisplayName = displayName }, TanagerJsonContext.Default.RegisterRequest, TanagerJsonContext.Default.SessionResponse, cancellationToken);
        client.Token = session.Token;
        client.User = session.User;
        return client;
    }

    public async Task<UserDto> GetMeAsync(CancellationToken cancellationToken = default)
    {
        User = await GetAsync("users/me", TanagerJsonContext.Default.UserDto, cancellationToken);
        return User;
    }

    public async Task LogoutAsync(CancellationToken cancellationToken = default)
    {
        await SendAsync<object, object>(HttpMethod.Post, "auth/logout", null, null, null, cancellationToken);
        Token = null;
    }

    public Task<WorkspaceDto> CreateWorkspaceAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "workspaces", new CreateWorkspaceRequest { Name = name }, TanagerJsonContext.Default.CreateWorkspaceRequest, TanagerJsonContext.Default.WorkspaceDto, cancellationToken);

    public Task<IReadOnlyList<WorkspaceDto>> ListWorkspacesAsync(CancellationToken cancellationToken = default) =>
        GetAsync("workspaces", TanagerJsonContext.Default.IReadOnlyListWorkspaceDto, cancellationToken);

    public Task<WorkspaceDto> GetWorkspaceAsync(string workspaceId, CancellationToken cancellationToken = default) =>
        GetAsync($"workspaces/{Escape(workspaceId)}", TanagerJsonContext.Default.WorkspaceDto, cancellationToken);

    /// <summary>
    /// Invites someone by email to the workspace; <paramref name="role"/> is admin, member (default) or guest. The answer
    /// is always <see cref="AddWorkspaceMemberResponse.StatusInvited"/>, whether or not the address has an account: the
    /// invitee becomes a member when they accept (<see cref="AcceptInvitationAsync"/>).
    /// </summary>
    public Task<AddWorkspaceMemberResponse> AddWorkspaceMemberAsync(string workspaceId, string email, string role = "member", CancellationToken cancellationToken = default) =>
        AddWorkspaceMemberAsync(workspaceId, new AddWorkspaceMemberRequest { Email = email, Role = role }, cancellationToken);

    /// <summary>
    /// Adds a user by id: on a server that allows direct adds (<c>Tanager:AllowDirectMemberAdd</c>) they are a member at
    /// once (<see cref="AddWorkspaceMemberResponse.StatusAdded"/> with the member); otherwise they are invited.
    /// </summary>
    public Task<AddWorkspaceMemberResponse> AddWorkspaceMemberByIdAsync(string workspaceId, string userId, string role = "member", CancellationToken cancellationToken = default) =>
        AddWorkspaceMemberAsync(workspaceId, new AddWorkspaceMemberRequest { UserId = userId, Role = role }, cancellationToken);

    private async Task<AddWorkspaceMemberResponse> AddWorkspaceMemberAsync(string workspaceId, AddWorkspaceMemberRequest body, CancellationToken cancellationToken)
    {
        using var response = await SendRequestAsync(HttpMethod.Post, $"workspaces/{Escape(workspaceId)}/members", body, TanagerJsonContext.Default.AddWorkspaceMemberRequest, cancellationToken);
        // 201 carries the new member itself (as before invitations existed); 202 carries {"status":"invited"}.
        if (response.StatusCode == HttpStatusCode.Created)
        {
            var member = await response.Content.ReadFromJsonAsync(TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken)
                ?? throw new TanagerApiException((int)response.StatusCode, "empty_response", "The server answered with an empty body.");
            return new AddWorkspaceMemberResponse { Status = AddWorkspaceMemberResponse.StatusAdded, Member = member };
        }
        return await response.Content.ReadFromJsonAsync(TanagerJsonContext.Default.AddWorkspaceMemberResponse, cancellationToken)
            ?? throw new TanagerApiException((int)response.StatusCode, "empty_response", "The server answered with an empty body.");
    }

    /// <summary>Your pending invitations to workspaces, oldest first.</summary>
    public Task<IReadOnlyList<InvitationDto>> ListInvitationsAsync(CancellationToken cancellationToken = default) =>
        GetAsync("invitations", TanagerJsonContext.Default.IReadOnlyListInvitationDto, cancellationToken);

    /// <summary>Accepts one of your invitations: you become a member with its role. Returns the workspace.</summary>
    public Task<WorkspaceDto> AcceptInvitationAsync(string invitationId, CancellationToken cancellationToken = default) =>
        SendAsync<object, WorkspaceDto>(HttpMethod.Post, $"invitations/{Escape(invitationId)}/accept", null, null, TanagerJsonContext.Default.WorkspaceDto, cancellationToken)!;

    /// <summary>Declines one of your invitations; the inviter is not told.</summary>
    public Task DeclineInvitationAsync(string invitationId, CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Post, $"invitations/{Escape(invitationId)}/decline", null, null, null, cancellationToken);

    public Task<IReadOnlyList<WorkspaceMemberDto>> ListWorkspaceMembersAsync(string workspaceId, CancellationToken cancellationToken = default) =>
        GetAsync($"workspaces/{Escape(workspaceId)}/members", TanagerJsonContext.Default.IReadOnlyListWorkspaceMemberDto, cancellationToken);

    public Task<ChannelDto> CreateChannelAsync(string workspaceId, string name, string kind = "public", string? topic = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"workspaces/{Escape(workspaceId)}/channels", new CreateChannelRequest { Name = name, Kind = kind, Topic = topic }, TanagerJsonContext.Default.CreateChannelRequest, TanagerJsonContext.Default.ChannelDto, cancellationToken);

    public Task<IReadOnlyList<ChannelDto>> ListChannelsAsync(string workspaceId, CancellationToken cancellationToken = default) =>
        GetAsync($"workspaces/{Escape(workspaceId)}/channels", TanagerJsonContext.Default.IReadOnlyListChannelDto, cancellationToken);

    public Task<ChannelDto> GetChannelAsync(string workspaceId, string channelId, CancellationToken cancellationToken = default) =>
        GetAsync($"workspaces/{Escape(workspaceId)}/channels/{Escape(channelId)}", TanagerJsonContext.Default.ChannelDto, cancellationToken);

    public Task<ChannelMemberDto> JoinChannelAsync(string workspaceId, string channelId, CancellationToken cancellationToken = default) =>
        SendAsync<object, ChannelMemberDto>(HttpMethod.Post, $"workspaces/{Escape(workspaceId)}/channels/{Escape(channelId)}/join", null, null, TanagerJsonContext.Default.ChannelMemberDto, cancellationToken)!;

    public Task LeaveChannelAsync(string workspaceId, string channelId, CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Post, $"workspaces/{Escape(workspaceId)}/channels/{Escape(channelId)}/leave", null, null, null, cancellationToken);

    /// <summary>
    /// Posts a message. Every send carries a nonce (one is made up when <paramref name="nonce"/> is null), so when the
    /// connection fails mid-request the call is retried safely: the server returns the message the first attempt
    /// created rather than storing it twice.
    /// </summary>
    public Task<MessageDto> PostMessageAsync(string workspaceId, string channelId, string content, string? nonce = null, CancellationToken cancellationToken = default)
    {
        var request = new PostMessageRequest { Content = content, Nonce = nonce ?? Guid.NewGuid().ToString("N") };
        return PostWithRetriesAsync(workspaceId, channelId, request, cancellationToken);
    }

    /// <summary>Sends a post, retrying a failed connection: the request's nonce makes a retry return the first attempt's message.</summary>
    private async Task<MessageDto> PostWithRetriesAsync(string workspaceId, string channelId, PostMessageRequest request, CancellationToken cancellationToken)
    {
        var path = $"workspaces/{Escape(workspaceId)}/channels/{Escape(channelId)}/messages";
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SendAsync(HttpMethod.Post, path, request, TanagerJsonContext.Default.PostMessageRequest, TanagerJsonContext.Default.MessageDto, cancellationToken);
            }
            catch (HttpRequestException) when (attempt < MaxSendAttempts && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
            }
        }
    }

    /// <summary>A page of history: the newest messages, or those before/after a sequence number. At most 100.</summary>
    public Task<MessagePage> GetMessagesAsync(string workspaceId, string channelId, long? before = null, long? after = null, int? limit = null, CancellationToken cancellationToken = default) =>
        GetAsync($"workspaces/{Escape(workspaceId)}/channels/{Escape(channelId)}/messages{Query(("before", before), ("after", after), ("limit", limit))}", TanagerJsonContext.Default.MessagePage, cancellationToken);

    /// <summary>The current state of every message changed after sequence <paramref name="since"/>, in change order.</summary>
    public Task<MessagePage> GetChangesAsync(string workspaceId, string channelId, long since, int? limit = null, CancellationToken cancellationToken = default) =>
        GetAsync($"workspaces/{Escape(workspaceId)}/channels/{Escape(channelId)}/changes{Query(("since", since), ("limit", limit))}", TanagerJsonContext.Default.MessagePage, cancellationToken);

    /// <summary>Messages matching every word of <paramref name="query"/> in the channels you can read, best first.</summary>
    public Task<SearchResults> SearchAsync(string workspaceId, string query, int? limit = null, CancellationToken cancellationToken = default) =>
        GetAsync($"workspaces/{Escape(workspaceId)}/search?q={Uri.EscapeDataString(query)}{(limit is null ? "" : "&limit=" + limit.Value.ToString(CultureInfo.InvariantCulture))}", TanagerJsonContext.Default.SearchResults, cancellationToken);

    internal Uri GatewayUrl
    {
        get
        {
            var builder = new UriBuilder(new Uri(ServerUrl, "gateway"));
            builder.Scheme = builder.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
            return builder.Uri;
        }
    }

    private Task<T> GetAsync<T>(string path, JsonTypeInfo<T> responseType, CancellationToken cancellationToken) =>
        SendAsync<object, T>(HttpMethod.Get, path, null, null, responseType, cancellationToken)!;

    private async Task<TResponse> SendAsync<TRequest, TResponse>(HttpMethod method, string path, TRequest? body, JsonTypeInfo<TRequest>? requestType, JsonTypeInfo<TResponse>? responseType, CancellationToken cancellationToken)
    {
        using var response = await SendRequestAsync(method, path, body, requestType, cancellationToken);
        if (responseType is null)
        {
            return default!;
        }
        return await response.Content.ReadFromJsonAsync(responseType, cancellationToken)
            ?? throw new TanagerApiException((int)response.StatusCode, "empty_response", "The server answered with an empty body.");
    }

    /// <summary>Sends a request, waiting out 429s and 503s that say when to retry; a successful response for the caller to read and dispose, or a <see cref="TanagerApiException"/>.</summary>
    private async Task<HttpResponseMessage> SendRequestAsync<TRequest>(HttpMethod method, string path, TRequest? body, JsonTypeInfo<TRequest>? requestType, CancellationToken cancellationToken)
    {
        var url = new Uri(ServerUrl, "api/v1/" + path);
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, url);
            if (Token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            }
            if (body is not null && requestType is not null)
            {
                request.Content = JsonContent.Create(body, requestType);
            }
            var response = await _http.SendAsync(request, cancellationToken);
            if (RetryDelay(response) is { } delay && attempt < MaxRateLimitRetries && delay <= MaxRetryAfter)
            {
                response.Dispose();
                await Task.Delay(delay, cancellationToken);
                continue;
            }
            if (!response.IsSuccessStatusCode)
            {
                using (response)
                {
                    throw await ToExceptionAsync(response, cancellationToken);
                }
            }
            return response;
        }
    }

    /// <summary>
    /// How long to wait before sending again, or null when the answer is not one to retry. A 429 is always retried:
    /// Tanager refuses it before doing anything, so even a POST without a nonce was not carried out. A 503 only when it
    /// says how long to wait: Tanager sends that with a full password-hashing queue, again before doing anything.
    /// </summary>
    private static TimeSpan? RetryDelay(HttpResponseMessage response)
    {
        var retryAfter = RetryAfterOf(response);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            // No Retry-After: one second, as a guess that keeps a well-behaved client from hammering.
            return retryAfter ?? TimeSpan.FromSeconds(1);
        }
        if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
        {
            return null;
        }
        // A 503 with Retry-After is Tanager at its limit of password checks, refused before any work: safe to repeat
        // whatever the method. Without it (a draining node, a proxy) it is surfaced as it is.
        return retryAfter;
    }

    /// <summary>Retry-After as a delay: seconds, or an HTTP date (RFC 9110 §10.2.3).</summary>
    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static async Task<TanagerApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ProblemDocument? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.ProblemDocument, cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
        }
        catch (NotSupportedException)
        {
        }
        if (problem is { Code: ErrorCodes.TwoFactorRequired, Challenge: { } challenge })
        {
            return new TanagerTwoFactorRequiredException(challenge, TimeSpan.FromSeconds(problem.ExpiresIn ?? 0), problem.Detail ?? "A second factor is required.");
        }
        return new TanagerApiException((int)response.StatusCode, problem?.Code ?? "http_" + (int)response.StatusCode, problem?.Detail ?? problem?.Title ?? response.ReasonPhrase ?? "Request failed.")
        {
            RetryAfter = RetryAfterOf(response),
        };
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static string Query(params (string Name, long? Value)[] parameters)
    {
        var parts = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={p.Value!.Value.ToString(CultureInfo.InvariantCulture)}").ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}
