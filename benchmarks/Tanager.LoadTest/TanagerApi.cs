using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using Tanager.Protocol;

namespace Tanager.LoadTest;

/// <summary>The few REST calls the load test needs, against <c>/api/v1</c>, with the protocol's source-generated JSON.</summary>
internal sealed class TanagerApi(HttpClient http) : IDisposable
{
    private readonly HttpClient _http = http;

    public Task<SessionResponse> RegisterAsync(string email, string password, string displayName, CancellationToken cancellationToken) =>
        SendAsync(
            HttpMethod.Post,
            "auth/register",
            JsonContent.Create(new RegisterRequest { Email = email, Password = password, DisplayName = displayName }, TanagerJsonContext.Default.RegisterRequest),
            token: null,
            TanagerJsonContext.Default.SessionResponse,
            cancellationToken);

    public Task<WorkspaceDto> CreateWorkspaceAsync(string token, string name, CancellationToken cancellationToken) =>
        SendAsync(
            HttpMethod.Post,
            "workspaces",
            JsonContent.Create(new CreateWorkspaceRequest { Name = name }, TanagerJsonContext.Default.CreateWorkspaceRequest),
            token,
            TanagerJsonContext.Default.WorkspaceDto,
            cancellationToken);

    /// <summary>Invites by email; the invitee joins with <see cref="AcceptInvitationAsync"/> (the server's default policy).</summary>
    public Task AddMemberAsync(string token, string workspaceId, string email, CancellationToken cancellationToken) =>
        SendAsync(
            HttpMethod.Post,
            $"workspaces/{Uri.EscapeDataString(workspaceId)}/members",
            JsonContent.Create(new AddWorkspaceMemberRequest { Email = email, Role = "member" }, TanagerJsonContext.Default.AddWorkspaceMemberRequest),
            token,
            cancellationToken);

    /// <summary>Accepts the invitee's invitation to <paramref name="workspaceId"/>.</summary>
    public async Task AcceptInvitationAsync(string token, string workspaceId, CancellationToken cancellationToken)
    {
        var invitations = await SendAsync(HttpMethod.Get, "invitations", null, token, TanagerJsonContext.Default.IReadOnlyListInvitationDto, cancellationToken);
        var invitation = invitations.First(i => i.Workspace.Id == workspaceId);
        await SendAsync(HttpMethod.Post, $"invitations/{Uri.EscapeDataString(invitation.Id)}/accept", null, token, cancellationToken);
    }

    public Task<ChannelDto> CreateChannelAsync(string token, string workspaceId, string name, CancellationToken cancellationToken) =>
        SendAsync(
            HttpMethod.Post,
            $"workspaces/{Uri.EscapeDataString(workspaceId)}/channels",
            JsonContent.Create(new CreateChannelRequest { Name = name, Kind = "public" }, TanagerJsonContext.Default.CreateChannelRequest),
            token,
            TanagerJsonContext.Default.ChannelDto,
            cancellationToken);

    public Task JoinChannelAsync(string token, string workspaceId, string channelId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, ChannelPath(workspaceId, channelId, "join"), content: null, token, cancellationToken);

    /// <summary>Posts a message. The response body (the stored MessageDto) is not needed, so it is not deserialized.</summary>
    public Task PostMessageAsync(string token, string workspaceId, string channelId, string content, CancellationToken cancellationToken) =>
        SendAsync(
            HttpMethod.Post,
            ChannelPath(workspaceId, channelId, "messages"),
            JsonContent.Create(new PostMessageRequest { Content = content }, TanagerJsonContext.Default.PostMessageRequest),
            token,
            cancellationToken);

    public void Dispose() => _http.Dispose();

    private static string ChannelPath(string workspaceId, string channelId, string action) =>
        $"workspaces/{Uri.EscapeDataString(workspaceId)}/channels/{Uri.EscapeDataString(channelId)}/{action}";

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, string? token, JsonTypeInfo<T> responseType, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(method, path, content, token, cancellationToken);
        return await response.Content.ReadFromJsonAsync(responseType, cancellationToken)
            ?? throw new TanagerApiException(method, path, response.StatusCode, "empty body");
    }

    private async Task SendAsync(HttpMethod method, string path, HttpContent? content, string? token, CancellationToken cancellationToken)
    {
        using var response = await SendCoreAsync(method, path, content, token, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendCoreAsync(HttpMethod method, string path, HttpContent? content, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        var response = await _http.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            // Errors are RFC 7807 problem JSON; its text is the most useful thing to show.
            var problem = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new TanagerApiException(method, path, response.StatusCode, problem);
        }
    }
}

internal sealed class TanagerApiException(HttpMethod method, string path, HttpStatusCode status, string detail)
    : Exception($"{method} /api/v1/{path} answered {(int)status} {status}: {detail}")
{
    public HttpStatusCode Status { get; } = status;
}
