using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tanager.Client;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

public sealed class RestApiTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string? ContentType, JsonElement Body)> SendAsync(HttpMethod method, string path, string? body = null, string? token = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, new Uri(_server.Url, "api/v1/" + path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, json);
    }

    [Theory]
    [InlineData("{\"email\":\"not-an-email\",\"password\":\"plover-pass-1\",\"display_name\":\"A\"}")]
    [InlineData("{\"email\":\"a@b.c\",\"password\":\"short\",\"display_name\":\"A\"}")]
    [InlineData("{\"email\":\"a@b.c\",\"password\":\"plover-pass-1\",\"display_name\":\"\"}")]
    [InlineData("{\"email\":\"a@b.c\",\"password\":\"plover-pass-1\",\"display_name\":\"bell\\u0007\"}")]
    [InlineData("{\"email\":\"a@b.c\",\"password\":\"plover-pass-1\"}")]
    [InlineData("{\"email\":\"a@b.c\",\"password\":\"plover-pass-1\",\"display_name\":")]
    [InlineData("[]")]
    [InlineData("null")]
    public async Task Invalid_registration_is_a_400_problem_document(string body)
    {
        var (status, contentType, problem) = await SendAsync(HttpMethod.Post, "auth/register", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal("invalid_request", problem.GetProperty("code").GetString());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task A_body_that_is_not_declared_as_JSON_is_refused()
    {
        var (status, _, problem) = await SendAsync(HttpMethod.Post, "auth/register", "email=a@b.c", contentType: "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_413()
    {
        var huge = "{\"content\":\"" + new string('a', 200_000) + "\"}";
        var (status, contentType, _) = await SendAsync(HttpMethod.Post, "auth/login", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("application/problem+json", contentType);
    }

    [Fact]
    public async Task Registering_an_email_twice_is_a_409_and_case_does_not_matter()
    {
        await SendAsync(HttpMethod.Post, "auth/register", "{\"email\":\"Dup@Example.test\",\"password\":\"plover-pass-1\",\"display_name\":\"A\"}");
        var (status, _, problem) = await SendAsync(HttpMethod.Post, "auth/register", "{\"email\":\"dup@example.test\",\"password\":\"plover-pass-1\",\"display_name\":\"B\"}");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("email_taken", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Login_with_a_wrong_password_or_unknown_email_is_the_same_401()
    {
        await SendAsync(HttpMethod.Post, "auth/register", "{\"email\":\"who@example.test\",\"password\":\"plover-pass-1\",\"display_name\":\"A\"}");
        var wrong = await SendAsync(HttpMethod.Post, "auth/login", "{\"email\":\"who@example.test\",\"password\":\"plover-pass-2\"}");
        var unknown = await SendAsync(HttpMethod.Post, "auth/login", "{\"email\":\"nobody@example.test\",\"password\":\"plover-pass-1\"}");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Equal(wrong.Body.GetProperty("detail").GetString(), unknown.Body.GetProperty("detail").GetString());
        var right = await SendAsync(HttpMethod.Post, "auth/login", "{\"email\":\"WHO@example.test\",\"password\":\"plover-pass-1\"}");
        Assert.Equal(HttpStatusCode.OK, right.Status);
        Assert.StartsWith("tgr_", right.Body.GetProperty("token").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("tgr_unknown")]
    [InlineData("not-even-a-token")]
    public async Task Calls_without_a_valid_token_are_401(string? token)
    {
        var (status, contentType, problem) = await SendAsync(HttpMethod.Get, "users/me", token: token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal("unauthorized", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Logout_revokes_the_token()
    {
        var user = await _server.NewUserAsync();
        var token = user.Token!;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "users/me", token: token)).Status);
        await user.LogoutAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "users/me", token: token)).Status);
    }

    [Fact]
    public async Task Workspaces_and_channels_of_others_are_404_never_403_including_malformed_ids()
    {
        var room = await ChatRoom.CreateAsync(_server, members: 0);
        var stranger = await _server.NewUserAsync();
        var ws = room.Workspace.Id;
        var ch = room.Channel.Id;
        foreach (var path in new[] { $"workspaces/{ws}", $"workspaces/{ws}/channels", $"workspaces/{ws}/channels/{ch}", $"workspaces/{ws}/channels/{ch}/messages", $"workspaces/{ws}/channels/{ch}/changes", $"workspaces/{ws}/members", "workspaces/not-a-ulid", $"workspaces/{ws}/channels/x" })
        {
            var (status, _, problem) = await SendAsync(HttpMethod.Get, path, token: stranger.Token);
            Assert.True(status == HttpStatusCode.NotFound, $"{path}: {status}");
            Assert.Equal("not_found", problem.GetProperty("code").GetString());
        }
        var post = await SendAsync(HttpMethod.Post, $"workspaces/{ws}/channels/{ch}/messages", "{\"content\":\"hi\"}", stranger.Token);
        Assert.Equal(HttpStatusCode.NotFound, post.Status);
    }

    [Fact]
    public async Task Roles_decide_who_adds_members_creates_channels_and_sees_private_channels()
    {
        var room = await ChatRoom.CreateAsync(_server, members: 1);
        var member = room.Members[0];
        var guest = await _server.NewUserAsync();
        var other = await _server.NewUserAsync();
        await room.Owner.AddWorkspaceMemberByIdAsync(room.Workspace.Id, guest.User!.Id, "guest");

        var addByMember = await Assert.ThrowsAsync<TanagerApiException>(() => member.AddWorkspaceMemberByIdAsync(room.Workspace.Id, other.User!.Id));
        Assert.Equal(403, addByMember.Status);
        var guestChannel = await Assert.ThrowsAsync<TanagerApiException>(() => guest.CreateChannelAsync(room.Workspace.Id, "guests-only"));
        Assert.Equal(403, guestChannel.Status);
        var ownerRole = await Assert.ThrowsAsync<TanagerApiException>(() => room.Owner.AddWorkspaceMemberByIdAsync(room.Workspace.Id, other.User!.Id, "owner"));
        Assert.Equal(400, ownerRole.Status);

        var secret = await room.Owner.CreateChannelAsync(room.Workspace.Id, "secret", kind: "private");
        Assert.DoesNotContain(await member.ListChannelsAsync(room.Workspace.Id), c => c.Id == secret.Id);
        Assert.Empty(await guest.ListChannelsAsync(room.Workspace.Id));
        Assert.Equal(404, (await Assert.ThrowsAsync<TanagerApiException>(() => member.JoinChannelAsync(room.Workspace.Id, secret.Id))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<TanagerApiException>(() => guest.JoinChannelAsync(room.Workspace.Id, room.Channel.Id))).Status);
        var ownerView = await room.Owner.ListChannelsAsync(room.Workspace.Id);
        Assert.Equal(["general", "secret"], ownerView.Select(c => c.Name));
        Assert.All(ownerView, c => Assert.True(c.IsMember));
    }

    [Fact]
    public async Task Posting_requires_membership_and_valid_content()
    {
        var room = await ChatRoom.CreateAsync(_server, members: 0);
        var notJoined = await _server.NewUserAsync();
        await room.Owner.AddWorkspaceMemberByIdAsync(room.Workspace.Id, notJoined.User!.Id);
        Assert.Equal(403, (await Assert.ThrowsAsync<TanagerApiException>(() => notJoined.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "hi"))).Status);
        foreach (var content in new[] { "", "   ", new string('x', 4001), "nul\0char" })
        {
            var error = await Assert.ThrowsAsync<TanagerApiException>(() => room.PostAsync(content));
            Assert.Equal(400, error.Status);
        }
        var multiline = await room.PostAsync("line one\nline two\ttabbed");
        Assert.Equal("line one\nline two\ttabbed", multiline.Content);
        Assert.Equal(1, multiline.Sequence);
    }

    [Fact]
    public async Task History_pages_by_sequence_in_both_directions()
    {
        var room = await ChatRoom.CreateAsync(_server, members: 0);
        for (var i = 1; i <= 5; i++)
        {
            await room.PostAsync($"m{i}");
        }
        var ws = room.Workspace.Id;
        var ch = room.Channel.Id;

        var newest = await room.Owner.GetMessagesAsync(ws, ch, limit: 2);
        Assert.Equal([4L, 5L], newest.Messages.Select(m => m.Sequence));
        Assert.True(newest.HasMore);
        Assert.Equal(5, newest.LastSequence);
        var older = await room.Owner.GetMessagesAsync(ws, ch, before: 4, limit: 2);
        Assert.Equal([2L, 3L], older.Messages.Select(m => m.Sequence));
        Assert.True(older.HasMore);
        var oldest = await room.Owner.GetMessagesAsync(ws, ch, before: 2, limit: 2);
        Assert.Equal([1L], oldest.Messages.Select(m => m.Sequence));
        Assert.False(oldest.HasMore);
        var newer = await room.Owner.GetMessagesAsync(ws, ch, after: 3, limit: 10);
        Assert.Equal([4L, 5L], newer.Messages.Select(m => m.Sequence));
        Assert.False(newer.HasMore);

        var changes = await room.Owner.GetChangesAsync(ws, ch, since: 3);
        Assert.Equal(["m4", "m5"], changes.Messages.Select(m => m.Content));
        Assert.Equal(5, changes.LastSequence);
    }

    [Theory]
    [InlineData("messages?limit=0")]
    [InlineData("messages?limit=101")]
    [InlineData("messages?limit=abc")]
    [InlineData("messages?before=-1")]
    [InlineData("messages?before=1&after=1")]
    [InlineData("messages?before=1&before=2")]
    [InlineData("changes?since=x")]
    public async Task Bad_paging_parameters_are_400(string query)
    {
        var room = await ChatRoom.CreateAsync(_server, members: 0);
        var (status, _, problem) = await SendAsync(HttpMethod.Get, $"workspaces/{room.Workspace.Id}/channels/{room.Channel.Id}/{query}", token: room.Owner.Token);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Health_reports_ok_and_the_gateway_session_count()
    {
        using var response = await _http.GetAsync(new Uri(_server.Url, "health"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal(0, body.GetProperty("gateway_sessions").GetInt32());
    }

    [Fact]
    public async Task The_gateway_refuses_a_plain_GET_with_a_problem_document()
    {
        using var response = await _http.GetAsync(new Uri(_server.Url, "gateway"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
