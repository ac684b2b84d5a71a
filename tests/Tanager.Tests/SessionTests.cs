using System.Net;
using System.Net.Http.Headers;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>Issue 9: sessions under the user's control — listed, revoked one by one or all others, ended by a password change, idle and absolute lifetimes.</summary>
public sealed class SessionTests
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task The_session_list_shows_each_login_with_its_client_as_seen_behind_a_trusted_proxy_and_marks_the_current_one()
    {
        await using var server = await TestServer.StartAsync();
        await using var phone = await server.NewUserAsync("Ann");
        using var http = new HttpClient();
        // The laptop logs in through a reverse proxy on loopback (trusted by default), which names the real client.
        using var login = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Url, "api/v1/auth/login"))
        {
            Content = JsonBody($$"""{"email":"{{phone.User!.Email}}","password":"{{Password}}"}"""),
        };
        login.Headers.UserAgent.ParseAdd("Laptop/1.0");
        login.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var answer = await http.SendAsync(login);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

        var sessions = await phone.ListSessionsAsync();

        Assert.Equal(2, sessions.Count);
        Assert.Single(sessions, s => s.Current);
        var laptop = Assert.Single(sessions, s => !s.Current);
        Assert.Equal("Laptop/1.0", laptop.UserAgent);
        Assert.Equal("203.0.113.7", laptop.IpAddress);
        Assert.True(laptop.ExpiresAt > DateTimeOffset.UtcNow.AddDays(29));
    }

    [Fact]
    public async Task A_revoked_session_answers_401_at_once_and_its_gateway_and_event_stream_close()
    {
        await using var server = await TestServer.StartAsync();
        await using var ann = await server.NewUserAsync("Ann");
        await using var laptop = await TanagerClient.LoginAsync(server.Url, ann.User!.Email!, Password);
        await using var gateway = await RawGatewayClient.ConnectAsync(server.Url);
        await gateway.IdentifyAsync(laptop.Token!);
        using var http = new HttpClient();
        using var streamRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Url, "api/v1/events"));
        streamRequest.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", laptop.Token);
        using var stream = await http.SendAsync(streamRequest, HttpCompletionOption.ResponseHeadersRead);
        var events = new StreamReader(await stream.Content.ReadAsStreamAsync());
        Assert.Contains("READY", await ReadUntilAsync(events, "READY"), StringComparison.Ordinal);

        var laptopSession = Assert.Single(await ann.ListSessionsAsync(), s => !s.Current);
        await ann.RevokeSessionAsync(laptopSession.Id);

        Assert.Equal(GatewayCloseCodes.AuthenticationFailed, await gateway.ReadCloseCodeAsync().Within(5));
        Assert.Contains("4004", await ReadUntilAsync(events, "CLOSE"), StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<TanagerApiException>(() => laptop.GetMeAsync());
        Assert.Equal(401, refused.Status);
        // The revoking session goes on, and an unknown or already revoked id is "not found".
        Assert.Single(await ann.ListSessionsAsync());
        Assert.Equal(404, (await Assert.ThrowsAsync<TanagerApiException>(() => ann.RevokeSessionAsync(laptopSession.Id))).Status);
    }

    [Fact]
    public async Task Signing_out_everywhere_else_keeps_only_the_current_session()
    {
        await using var server = await TestServer.StartAsync();
        await using var ann = await server.NewUserAsync("Ann");
        await using var second = await TanagerClient.LoginAsync(server.Url, ann.User!.Email!, Password);
        await using var third = await TanagerClient.LoginAsync(server.Url, ann.User.Email!, Password);

        await third.RevokeOtherSessionsAsync();

        Assert.Equal(401, (await Assert.ThrowsAsync<TanagerApiException>(() => ann.GetMeAsync())).Status);
        Assert.Equal(401, (await Assert.ThrowsAsync<TanagerApiException>(() => second.GetMeAsync())).Status);
        Assert.True(Assert.Single(await third.ListSessionsAsync()).Current);
    }

    [Fact]
    public async Task Changing_the_password_signs_out_the_other_sessions_and_only_the_new_password_works()
    {
        await using var server = await TestServer.StartAsync();
        await using var ann = await server.NewUserAsync("Ann");
        await using var other = await TanagerClient.LoginAsync(server.Url, ann.User!.Email!, Password);

        var wrong = await Assert.ThrowsAsync<TanagerApiException>(() => ann.ChangePasswordAsync("not my password", "a brand new secret"));
        Assert.Equal((401, ErrorCodes.InvalidCredentials), (wrong.Status, wrong.Code));
        await ann.ChangePasswordAsync(Password, "a brand new secret");

        Assert.Equal(401, (await Assert.ThrowsAsync<TanagerApiException>(() => other.GetMeAsync())).Status);
        Assert.Equal(ann.User.Id, (await ann.GetMeAsync()).Id);
        await Assert.ThrowsAsync<TanagerApiException>(() => TanagerClient.LoginAsync(server.Url, ann.User.Email!, Password));
        await using var again = await TanagerClient.LoginAsync(server.Url, ann.User.Email!, "a brand new secret");
        Assert.Equal(2, (await again.ListSessionsAsync()).Count);
    }

    [Fact]
    public async Task A_session_idle_past_its_idle_timeout_is_refused_and_the_purge_deletes_it_while_a_bot_token_lives_on()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.SessionIdleTimeout = TimeSpan.FromSeconds(2);
            o.SessionPurgeInterval = TimeSpan.FromSeconds(1);
        });
        await using var ann = await server.NewUserAsync("Ann");
        var workspace = await ann.CreateWorkspaceAsync("Acme");
        var bot = await ann.CreateBotAsync(workspace.Id, "Helper");
        var store = server.Services.GetRequiredService<IUserStore>();
        var annId = NUlid.Ulid.Parse(ann.User!.Id);
        Assert.Single(await store.ListSessionsAsync(annId, CredentialKind.Login));

        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal(401, (await Assert.ThrowsAsync<TanagerApiException>(() => ann.GetMeAsync())).Status);
        Assert.True(await Eventually.UntilAsync(async () => (await store.ListSessionsAsync(annId, CredentialKind.Login)).Count == 0, 10), "The purge left the idle session in the store.");
        await using var botClient = await TanagerClient.FromTokenAsync(server.Url, bot.Token!.Token!);
        Assert.True(botClient.User!.IsBot);
    }

    [Fact]
    public async Task A_session_past_its_absolute_lifetime_is_refused_however_busy()
    {
        await using var server = await TestServer.StartAsync(o => o.SessionLifetime = TimeSpan.FromSeconds(2));
        await using var ann = await server.NewUserAsync("Ann");
        for (var i = 0; i < 3; i++)
        {
            await ann.GetMeAsync();
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(401, (await Assert.ThrowsAsync<TanagerApiException>(() => ann.GetMeAsync())).Status);
    }

    [Fact]
    public async Task Logging_out_ends_the_session_and_closes_its_gateway()
    {
        await using var server = await TestServer.StartAsync();
        await using var ann = await server.NewUserAsync("Ann");
        await using var gateway = await RawGatewayClient.ConnectAsync(server.Url);
        await gateway.IdentifyAsync(ann.Token!);
        var token = ann.Token!;

        await ann.LogoutAsync();

        Assert.Equal(GatewayCloseCodes.AuthenticationFailed, await gateway.ReadCloseCodeAsync().Within(5));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Url, "api/v1/users/me"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_bot_token_may_not_manage_sessions_or_passwords()
    {
        await using var server = await TestServer.StartAsync();
        await using var ann = await server.NewUserAsync("Ann");
        var workspace = await ann.CreateWorkspaceAsync("Acme");
        var bot = await ann.CreateBotAsync(workspace.Id, "Helper");
        await using var botClient = await TanagerClient.FromTokenAsync(server.Url, bot.Token!.Token!);

        var refused = await Assert.ThrowsAsync<TanagerApiException>(() => botClient.ListSessionsAsync());

        Assert.Equal((403, ErrorCodes.LoginSessionRequired), (refused.Status, refused.Code));
        Assert.Equal(ErrorCodes.LoginSessionRequired, (await Assert.ThrowsAsync<TanagerApiException>(() => botClient.ChangePasswordAsync("x", "yyyyyyyyyy"))).Code);
    }

    [Fact]
    public async Task A_gateway_ticket_opens_one_gateway_connection_and_is_no_key_to_the_rest_api()
    {
        await using var server = await TestServer.StartAsync();
        await using var ann = await server.NewUserAsync("Ann");
        var forRest = await ann.CreateGatewayTicketAsync();
        var forGateway = await ann.CreateGatewayTicketAsync();

        Assert.StartsWith("tgt_", forRest.Ticket, StringComparison.Ordinal);
        Assert.Equal(401, (await Assert.ThrowsAsync<TanagerApiException>(() => new TanagerClient(server.Url, forRest.Ticket).GetMeAsync())).Status);
        await using (var first = await RawGatewayClient.ConnectAsync(server.Url))
        {
            Assert.Contains(ann.User!.Id, (await first.IdentifyAsync(forGateway.Ticket)).Text, StringComparison.Ordinal);
        }
        await using var second = await RawGatewayClient.ConnectAsync(server.Url);
        await second.ReadFrameAsync();
        await second.SendTextAsync($$$"""{"op":2,"d":{"token":"{{{forGateway.Ticket}}}"}}""");
        Assert.Equal(GatewayCloseCodes.AuthenticationFailed, await second.ReadCloseCodeAsync().Within(5));
    }

    internal static StringContent JsonBody(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    internal static async Task<string> ReadUntilAsync(StreamReader reader, string text, int seconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var seen = new System.Text.StringBuilder();
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.AppendLine(line);
            if (line.Contains(text, StringComparison.Ordinal))
            {
                // The record's data line follows its event line.
                seen.AppendLine(await reader.ReadLineAsync(timeout.Token));
                return seen.ToString();
            }
        }
        return seen.ToString();
    }
}
