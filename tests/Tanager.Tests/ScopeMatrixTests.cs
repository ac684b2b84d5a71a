using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// Issue 9, Done-when #2 (bot tokens): the scope matrix of docs/permissions.md names the scope of every REST route, and a
/// bot token gets exactly that. Each row is called as a bot that is a member of the workspace, in a fresh scene: with a
/// token holding every scope but the row's (403 missing_scope naming it) and with a token holding only the row's scope
/// (allowed, or refused for the bot's role, never for the scope).
/// </summary>
/// <remarks>
/// The routes come from the running app's <see cref="EndpointDataSource"/>, as in <see cref="IsolationTests"/>: a route
/// added later fails the test until the document has a row for it, and until <see cref="Bodies"/> can call it.
/// </remarks>
public sealed partial class ScopeMatrixTests(ScopeMatrixTests.Server server) : IClassFixture<ScopeMatrixTests.Server>
{
    private const string None = "none";
    private const string LoginSession = "login session";
    private const string Admin = "admin";
    /// <summary>The event stream refuses by ending the stream (close 4004), not with a 403: checked on its own.</summary>
    private const string EventStream = "GET /api/v1/events";
    /// <summary>Only the upload route demands it, so it is the "unrelated" scope of the none rows.</summary>
    private const string Unrelated = "files:write";

    /// <summary>
    /// Routes without a row: they take no token. The signed local-disk file URLs are authorised by their signature, and
    /// handed out only by the upload (files:write) and download (messages:read) rows.
    /// </summary>
    private static readonly HashSet<string> Anonymous = new(StringComparer.Ordinal)
    {
        "POST /api/v1/auth/register", "POST /api/v1/auth/login", "POST /api/v1/auth/login/two-factor", "PUT /api/v1/files/{**key}", "GET /api/v1/files/{**key}",
        // Single sign-on: the browser's way in, before it has a token (see SingleSignOnTests).
        "GET /api/v1/auth/sso/providers", "GET /api/v1/auth/sso/{provider}/start", "GET /api/v1/auth/sso/{provider}/callback",
        "POST /api/v1/auth/sso/{provider}/callback", "POST /api/v1/auth/sso/exchange",
        // An incoming webhook's URL: its token is the credential (see WebhookTests).
        "POST /api/v1/webhooks/{webhookId}/{token}",
        // A URL command's response_url: its signed response id is the credential (see SlashCommandUrlTests).
        "POST /api/v1/workspaces/{workspaceId}/commands/responses/{responseId}",
        // A notification email's unsubscribe link: its signed token is the credential (see EmailNotificationTests).
        "GET /api/v1/notifications/unsubscribe", "POST /api/v1/notifications/unsubscribe",
        // The OpenAPI document: the API's description, the same for everyone (see OpenApiDocumentTests).
        "GET /api/v1/openapi.json",
    };

    /// <summary>Valid bodies of the writes, by row; null means the route takes none. A write without an entry fails the test.</summary>
    private static readonly Dictionary<string, Func<Scene, string?>> Bodies = new(StringComparer.Ordinal)
    {
        ["POST /api/v1/auth/logout"] = _ => null,
        ["PATCH /api/v1/users/me"] = _ => """{"status_text":"beeping"}""",
        ["PUT /api/v1/users/me/notification-preferences"] = _ => """{"email":"none"}""",
        ["POST /api/v1/users/me/web-push-subscriptions"] = _ => """{"endpoint":"https://push.example.test/bot","keys":{"p256dh":"x","auth":"y"}}""",
        ["POST /api/v1/auth/password"] = _ => """{"current_password":"correct horse battery","new_password":"another horse battery"}""",
        ["POST /api/v1/auth/two-factor"] = _ => null,
        ["POST /api/v1/auth/two-factor/confirm"] = _ => """{"code":"123456"}""",
        ["POST /api/v1/auth/two-factor/disable"] = _ => """{"password":"correct horse battery","code":"123456"}""",
        ["POST /api/v1/gateway/ticket"] = _ => null,
        ["POST /api/v1/auth/sso/{provider}/link"] = _ => null,
        ["DELETE /api/v1/auth/sso/{provider}/link"] = _ => null,
        ["POST /api/v1/workspaces"] = _ => """{"name":"Made by a bot"}""",
        ["PATCH /api/v1/workspaces/{workspaceId}"] = _ => """{"name":"Renamed by a bot"}""",
        ["POST /api/v1/workspaces/{workspaceId}/transfer"] = s => $$"""{"user_id":"{{s.Mia}}"}""",
        ["POST /api/v1/workspaces/{workspaceId}/leave"] = _ => null,
        ["POST /api/v1/workspaces/{workspaceId}/members"] = s => $$"""{"email":"{{s.OutsiderEmail}}","role":"member"}""",
        ["PATCH /api/v1/workspaces/{workspaceId}/members/{userId}"] = _ => """{"role":"guest"}""",
        ["POST /api/v1/workspaces/{workspaceId}/invites"] = _ => """{"role":"member"}""",
        ["POST /api/v1/invites/{code}/accept"] = _ => null,
        ["POST /api/v1/invitations/{invitationId}/accept"] = _ => null,
        ["POST /api/v1/invitations/{invitationId}/decline"] = _ => null,
        ["POST /api/v1/workspaces/{workspaceId}/bots"] = _ => """{"name":"Bot made by a bot"}""",
        ["POST /api/v1/bots/{botId}/tokens"] = _ => """{"name":"self-made"}""",
        ["POST /api/v1/workspaces/{workspaceId}/channels"] = _ => """{"name":"made-by-bot"}""",
        ["PATCH /api/v1/workspaces/{workspaceId}/channels/{channelId}"] = _ => """{"name":"bot-room-renamed","topic":"beeps"}""",
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/join"] = _ => null,
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/leave"] = _ => null,
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/archive"] = _ => null,
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/unarchive"] = _ => null,
        ["PUT /api/v1/workspaces/{workspaceId}/channels/{channelId}/overrides/{role}"] = _ => """{"deny":["send_messages"]}""",
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/members"] = s => $$"""{"user_id":"{{s.Mia}}"}""",
        ["POST /api/v1/workspaces/{workspaceId}/dms"] = s => $$"""{"user_ids":["{{s.Mia}}"]}""",
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/messages"] = _ => """{"content":"beep"}""",
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/attachments"] = _ => """{"file_name":"beep.txt","content_type":"text/plain","size":3}""",
        ["PATCH /api/v1/workspaces/{workspaceId}/channels/{channelId}/messages/{messageId}"] = _ => """{"content":"beep, edited"}""",
        ["PUT /api/v1/workspaces/{workspaceId}/channels/{channelId}/messages/{messageId}/reactions/{emoji}"] = _ => null,
        ["PUT /api/v1/workspaces/{workspaceId}/channels/{channelId}/messages/{messageId}/pin"] = _ => null,
        ["PUT /api/v1/workspaces/{workspaceId}/channels/{channelId}/messages/{messageId}/follow"] = _ => null,
        ["PUT /api/v1/workspaces/{workspaceId}/channels/{channelId}/read"] = _ => """{"sequence":1}""",
        ["POST /api/v1/admin/users"] = _ => """{"email":"provisioned@example.test","display_name":"Provisioned"}""",
        ["POST /api/v1/admin/users/{user}/deactivate"] = _ => null,
        ["POST /api/v1/admin/users/{user}/reactivate"] = _ => null,
        ["PUT /api/v1/admin/users/{user}/server-admin"] = _ => null,
        ["POST /api/v1/admin/api-keys"] = _ => """{"name":"made by a bot"}""",
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/webhooks"] = _ => """{"name":"made by a bot"}""",
        ["PUT /api/v1/workspaces/{workspaceId}/commands/{command}"] = _ => """{"description":"Answers pong, updated"}""",
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/commands"] = _ => """{"command":"ping"}""",
        ["POST /api/v1/workspaces/{workspaceId}/commands/replies"] = _ => """{"invocation_id":"not-an-invocation","content":"pong","ephemeral":true}""",
        ["POST /api/v1/workspaces/{workspaceId}/subscriptions"] = _ => """{"url":"https://hooks.example.test/scope-matrix","events":["MESSAGE_CREATE"]}""",
        ["POST /api/v1/workspaces/{workspaceId}/subscriptions/{subscriptionId}/dead-letters/replay"] = _ => "{}",
    };

    /// <summary>Where a row needs a channel other than "general" for the allowed call to succeed.</summary>
    private static readonly Dictionary<string, Func<Scene, string>> Channels = new(StringComparer.Ordinal)
    {
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/join"] = s => s.Lobby,
        ["PATCH /api/v1/workspaces/{workspaceId}/channels/{channelId}"] = s => s.BotRoom,
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/archive"] = s => s.BotRoom,
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/unarchive"] = s => s.BotArchived,
    };

    private static readonly Dictionary<string, string> Queries = new(StringComparer.Ordinal)
    {
        ["GET /api/v1/workspaces/{workspaceId}/search"] = "?q=hello",
        ["GET /api/v1/workspaces/{workspaceId}/channels/{channelId}/changes"] = "?since=0",
    };

    /// <summary>
    /// Rows where a token with the scope is still refused, for the bot's role (a workspace member, see the permission
    /// matrix) or because the thing is not the bot's to see; every other row must succeed with its scope alone.
    /// </summary>
    private static readonly Dictionary<string, (HttpStatusCode Status, string Code)> RoleRefusals = new(StringComparer.Ordinal)
    {
        ["PATCH /api/v1/workspaces/{workspaceId}"] = (HttpStatusCode.Forbidden, ErrorCodes.Forbidden),
        ["POST /api/v1/workspaces/{workspaceId}/transfer"] = (HttpStatusCode.Forbidden, ErrorCodes.Forbidden),
        ["POST /api/v1/workspaces/{workspaceId}/members"] = (HttpStatusCode.Forbidden, ErrorCodes.Forbidden),
        ["PATCH /api/v1/workspaces/{workspaceId}/members/{userId}"] = (HttpStatusCode.Forbidden, ErrorCodes.Forbidden),
        ["DELETE /api/v1/workspaces/{workspaceId}/members/{userId}"] = (HttpStatusCode.Forbidden, ErrorCodes.Forbidden),
        ["POST /api/v1/workspaces/{workspaceId}/invites"] = (HttpStatusCode.Forbidden, ErrorCodes.Forbidden),
        ["GET /api/v1/workspaces/{workspaceId}/invites"] = (HttpStatusCode.Forbidden, ErrorCodes.Forbidden),
        ["DELETE /api/v1/workspaces/{workspaceId}/invites/{inviteId}"] = (HttpStatusCode.Forbidden, ErrorCodes.Forbidden),
        // Mia's invitation: only the invitee sees it.
        ["POST /api/v1/invitations/{invitationId}/accept"] = (HttpStatusCode.NotFound, ErrorCodes.NotFound),
        ["POST /api/v1/invitations/{invitationId}/decline"] = (HttpStatusCode.NotFound, ErrorCodes.NotFound),
        ["DELETE /api/v1/workspaces/{workspaceId}/channels/{channelId}"] = (HttpStatusCode.Forbidden, ErrorCodes.Forbidden),
        ["PUT /api/v1/workspaces/{workspaceId}/channels/{channelId}/overrides/{role}"] = (HttpStatusCode.Forbidden, ErrorCodes.Forbidden),
        // Webhooks are managed with manage_channels (owners and admins), which the bot, a member, lacks.
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/webhooks"] = (HttpStatusCode.Forbidden, ErrorCodes.Forbidden),
        ["GET /api/v1/workspaces/{workspaceId}/channels/{channelId}/webhooks"] = (HttpStatusCode.Forbidden, ErrorCodes.Forbidden),
        ["DELETE /api/v1/workspaces/{workspaceId}/channels/{channelId}/webhooks/{webhookId}"] = (HttpStatusCode.Forbidden, ErrorCodes.Forbidden),
        ["DELETE /api/v1/workspaces/{workspaceId}/channels/{channelId}/overrides/{role}"] = (HttpStatusCode.Forbidden, ErrorCodes.Forbidden),
        ["DELETE /api/v1/workspaces/{workspaceId}/channels/{channelId}/members/{userId}"] = (HttpStatusCode.Forbidden, ErrorCodes.Forbidden),
        ["PUT /api/v1/workspaces/{workspaceId}/channels/{channelId}/messages/{messageId}/pin"] = (HttpStatusCode.Forbidden, ErrorCodes.Forbidden),
        ["DELETE /api/v1/workspaces/{workspaceId}/channels/{channelId}/messages/{messageId}/pin"] = (HttpStatusCode.Forbidden, ErrorCodes.Forbidden),
        // The scene's bot invokes its own /ping, and is not connected to receive it (SlashCommandTests invokes connected bots).
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/commands"] = (HttpStatusCode.ServiceUnavailable, ErrorCodes.BotUnavailable),
        // No invocation has this id (SlashCommandTests replies to real ones).
        ["POST /api/v1/workspaces/{workspaceId}/commands/replies"] = (HttpStatusCode.NotFound, ErrorCodes.UnknownInvocation),
    };

    public static TheoryData<string, string> Rows()
    {
        var data = new TheoryData<string, string>();
        foreach (var row in Document())
        {
            data.Add(row.Route, row.Scope);
        }
        return data;
    }

    [Fact]
    public void Every_api_route_has_one_row_in_the_scope_matrix_and_every_row_names_a_route()
    {
        var rows = Document();
        var routes = server.Routes();
        Assert.True(routes.Count >= 70, $"Only {routes.Count} routes under /api/v1 found; is the endpoint list read correctly?");

        var duplicates = rows.GroupBy(r => r.Route).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "Routes with more than one row in the scope matrix:\n" + string.Join("\n", duplicates));
        var undocumented = routes.Where(r => !Anonymous.Contains(r) && rows.All(row => row.Route != r)).ToList();
        Assert.True(undocumented.Count == 0, "Routes without a row in docs/permissions.md's scope matrix:\n" + string.Join("\n", undocumented));
        var unknown = rows.Where(r => !routes.Contains(r.Route)).Select(r => r.Route).ToList();
        Assert.True(unknown.Count == 0, "Scope matrix rows naming no route of the server:\n" + string.Join("\n", unknown));
        Assert.DoesNotContain(rows, r => Anonymous.Contains(r.Route));

        string[] kinds = [None, LoginSession, Admin, .. Scope.All];
        Assert.All(rows, r => Assert.True(kinds.Contains(r.Scope), $"{r.Route}: '{r.Scope}' is no scope; use one of {string.Join(", ", kinds)}."));
        var text = File.ReadAllText(Path.Combine(Repository.Root, "docs", "permissions.md"));
        Assert.All(Scope.All, scope => Assert.Contains($"| `{scope}` |", text, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_bot_token_is_refused_or_allowed_each_route_as_the_scope_matrix_says(string route, string scope)
    {
        var scene = await server.SceneAsync();
        if (route == EventStream)
        {
            Assert.Equal(Scope.MessagesRead, scope);
            await The_event_stream_needs_messages_read(scene);
            return;
        }
        var request = RequestFor(route, scene);
        switch (scope)
        {
            case None:
            {
                var answer = await server.SendAsync(request, await server.TokenAsync(scene, [Unrelated]));
                Assert.True(answer.IsSuccess, $"{route} with a token holding only {Unrelated} should succeed: {answer}");
                break;
            }
            case LoginSession:
            {
                var answer = await server.SendAsync(request, scene.BotToken);
                Assert.True(answer is { Status: HttpStatusCode.Forbidden, Code: ErrorCodes.LoginSessionRequired }, $"{route} with a bot token holding every scope should be 403 login_session_required: {answer}");
                break;
            }
            case Admin:
            {
                var answer = await server.SendAsync(request, scene.BotToken);
                Assert.True(answer is { Status: HttpStatusCode.Forbidden, Code: ErrorCodes.Forbidden }, $"{route} with a bot token holding every scope should be 403 forbidden: {answer}");
                break;
            }
            default:
            {
                var without = await server.SendAsync(request, await server.TokenAsync(scene, [.. Scope.All.Where(s => s != scope)]));
                Assert.True(without is { Status: HttpStatusCode.Forbidden, Code: ErrorCodes.MissingScope } && without.Scope == scope,
                    $"{route} with every scope but {scope} should be 403 missing_scope naming {scope}: {without}");

                var with = await server.SendAsync(request, await server.TokenAsync(scene, [scope]));
                Assert.True(with.Code != ErrorCodes.MissingScope, $"{route} with only {scope} was refused for a scope: {with}");
                if (RoleRefusals.TryGetValue(route, out var refusal))
                {
                    Assert.True(with.Status == refusal.Status && with.Code == refusal.Code, $"{route} with only {scope} should be refused for the bot's role ({(int)refusal.Status} {refusal.Code}): {with}");
                }
                else
                {
                    Assert.True(with.IsSuccess, $"{route} with only {scope} should succeed: {with}");
                }
                break;
            }
        }
    }

    [Fact]
    public async Task The_gateway_needs_messages_read_to_identify_and_messages_write_to_send_typing()
    {
        var scene = await server.SceneAsync();

        await using (var refused = await RawGatewayClient.ConnectAsync(server.Url))
        {
            var hello = await refused.ReadFrameAsync().Within();
            Assert.Contains("\"op\":10", hello.Text, StringComparison.Ordinal);
            var token = await server.TokenAsync(scene, [.. Scope.All.Where(s => s != Scope.MessagesRead)]);
            await refused.SendTextAsync(Identify(token));
            Assert.Equal(GatewayCloseCodes.AuthenticationFailed, await refused.ReadCloseCodeAsync().Within());
        }

        await using var reader = await RawGatewayClient.ConnectAsync(server.Url);
        var ready = await reader.IdentifyAsync(await server.TokenAsync(scene, [Scope.MessagesRead])).Within();
        Assert.Contains(scene.General, ready.Text, StringComparison.Ordinal);
        await reader.SendTextAsync($$$"""{"op":4,"d":{"workspace_id":"{{{scene.Ws}}}","channel_id":"{{{scene.General}}}"}}""");
        RawGatewayClient.Frame error;
        do
        {
            error = await reader.ReadFrameAsync().Within();
            Assert.NotEqual(Tanager.Transport.WebSockets.Internal.WebSocketOpcode.Close, error.Opcode);
        }
        while (!error.Text.StartsWith("{\"op\":12", StringComparison.Ordinal));
        Assert.Contains($"\"code\":\"{ErrorCodes.MissingScope}\"", error.Text, StringComparison.Ordinal);

        // With messages:write as well, the same TYPING reaches the channel (the bot is in it, so it hears itself).
        await using var writer = await RawGatewayClient.ConnectAsync(server.Url);
        await writer.IdentifyAsync(await server.TokenAsync(scene, [Scope.MessagesRead, Scope.MessagesWrite])).Within();
        await writer.SendTextAsync($$$"""{"op":4,"d":{"workspace_id":"{{{scene.Ws}}}","channel_id":"{{{scene.General}}}"}}""");
        var typing = await writer.ReadDispatchAsync(GatewayEvents.TypingStart).Within();
        Assert.Contains(scene.General, typing.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Renaming and transferring answer with the workspace as the caller now sees it; that answer is part of the call, so
    /// it needs no members:read (which a bot's token could lack once the change was made).
    /// </summary>
    [Fact]
    public async Task A_bot_that_runs_the_workspace_renames_and_transfers_it_with_workspaces_manage_alone()
    {
        var scene = await server.SceneAsync();
        var token = await server.TokenAsync(scene, [Scope.WorkspacesManage]);
        var workspace = $"/api/v1/workspaces/{scene.Ws}";
        var promoted = await server.SendAsync(new Request(HttpMethod.Patch, $"{workspace}/members/{scene.Bot}", """{"role":"admin"}"""), scene.OwnerToken);
        Assert.True(promoted.IsSuccess, promoted.ToString());

        var renamed = await server.SendAsync(new Request(HttpMethod.Patch, workspace, """{"name":"Renamed by a bot"}"""), token);
        Assert.True(renamed.IsSuccess, renamed.ToString());
        Assert.Contains("\"name\":\"Renamed by a bot\"", renamed.Text, StringComparison.Ordinal);
        Assert.Contains("\"role\":\"admin\"", renamed.Text, StringComparison.Ordinal);

        var handedOver = await server.SendAsync(new Request(HttpMethod.Post, $"{workspace}/transfer", $$"""{"user_id":"{{scene.Bot}}"}"""), scene.OwnerToken);
        Assert.True(handedOver.IsSuccess, handedOver.ToString());
        var handedBack = await server.SendAsync(new Request(HttpMethod.Post, $"{workspace}/transfer", $$"""{"user_id":"{{scene.Owner}}"}"""), token);
        Assert.True(handedBack.IsSuccess, handedBack.ToString());
        Assert.Contains($"\"owner_id\":\"{scene.Owner}\"", handedBack.Text, StringComparison.Ordinal);
        Assert.Contains("\"role\":\"admin\"", handedBack.Text, StringComparison.Ordinal);
    }

    private async Task The_event_stream_needs_messages_read(Scene scene)
    {
        using (var refused = await server.OpenEventsAsync(await server.TokenAsync(scene, [.. Scope.All.Where(s => s != Scope.MessagesRead)])))
        {
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var body = await refused.Content.ReadAsStringAsync(timeout.Token);
            Assert.Contains("event: CLOSE", body, StringComparison.Ordinal);
            Assert.Contains($"\"code\":{GatewayCloseCodes.AuthenticationFailed}", body, StringComparison.Ordinal);
            Assert.DoesNotContain("event: READY", body, StringComparison.Ordinal);
        }

        using var allowed = await server.OpenEventsAsync(await server.TokenAsync(scene, [Scope.MessagesRead]));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        using var reader = new StreamReader(await allowed.Content.ReadAsStreamAsync());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (await reader.ReadLineAsync(deadline.Token) is { } line)
        {
            Assert.False(line.StartsWith("event: CLOSE", StringComparison.Ordinal), "The stream of a token with messages:read was closed.");
            if (line == "event: READY")
            {
                return;
            }
        }
        Assert.Fail("The stream of a token with messages:read ended without READY.");
    }

    private static string Identify(string token) =>
        Encoding.UTF8.GetString(GatewayEnvelope.Serialize(GatewayOpCode.Identify, null, new IdentifyData { Token = token }, TanagerJsonContext.Default.IdentifyData));

    /// <summary>The row's request with the scene's ids: the bot's workspace, a channel it is in, its message, a fellow member...</summary>
    private static Request RequestFor(string route, Scene scene)
    {
        var space = route.IndexOf(' ', StringComparison.Ordinal);
        var method = route[..space];
        var path = route[(space + 1)..];
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["workspaceId"] = scene.Ws,
            ["channelId"] = Channels.TryGetValue(route, out var channel) ? channel(scene) : scene.General,
            ["messageId"] = scene.BotMessage,
            ["userId"] = scene.Mia,
            ["inviteId"] = scene.Invite,
            ["code"] = scene.InviteCode,
            ["invitationId"] = scene.Invitation,
            ["role"] = "member",
            ["emoji"] = "👍",
            ["sessionId"] = scene.OwnerSession,
            ["botId"] = scene.Bot,
            ["tokenId"] = scene.BotTokenId,
            ["user"] = scene.Mia,
            ["keyId"] = NUlid.Ulid.NewUlid().ToString(),
            ["attachmentId"] = scene.BotAttachment,
            ["provider"] = "corp",
            ["webhookId"] = NUlid.Ulid.NewUlid().ToString(),
            ["command"] = "ping",
            ["subscriptionId"] = scene.BotSubscription,
            ["pushSubscriptionId"] = NUlid.Ulid.NewUlid().ToString(),
        };
        foreach (Match parameter in ParameterPattern().Matches(path))
        {
            var name = parameter.Groups["name"].Value;
            Assert.True(values.TryGetValue(name, out var value), $"{route}: the test has no value for the route parameter {{{name}}}.");
            path = path.Replace(parameter.Value, Uri.EscapeDataString(value), StringComparison.Ordinal);
        }
        string? body = null;
        if (method is "POST" or "PUT" or "PATCH")
        {
            Assert.True(Bodies.TryGetValue(route, out var make), $"{route}: no request body in ScopeMatrixTests.Bodies (null for a write without one).");
            body = make(scene);
        }
        return new Request(new HttpMethod(method), path + Queries.GetValueOrDefault(route, ""), body);
    }

    private sealed record Row(string Route, string Scope);

    [GeneratedRegex(@"^\|\s*(?<route>(GET|POST|PUT|PATCH|DELETE) /api/v1/\S*)\s*\|\s*(?<scope>[^|]+?)\s*\|\s*$")]
    private static partial Regex RowPattern();

    [GeneratedRegex(@"\{(?<name>[A-Za-z]+)\}")]
    private static partial Regex ParameterPattern();

    /// <summary>The rows between the scope-matrix markers of docs/permissions.md.</summary>
    private static List<Row> Document()
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, "docs", "permissions.md"));
        var start = Array.IndexOf(lines, "<!-- scope-matrix:start -->");
        var end = Array.IndexOf(lines, "<!-- scope-matrix:end -->");
        Assert.True(start >= 0 && end > start, "docs/permissions.md must keep the scope-matrix markers.");
        Assert.Equal("| Route | Scope |", lines[start + 1]);
        var rows = new List<Row>();
        foreach (var line in lines[(start + 3)..end])
        {
            var match = RowPattern().Match(line);
            Assert.True(match.Success, $"Not a scope matrix row: {line}");
            rows.Add(new Row(match.Groups["route"].Value, match.Groups["scope"].Value));
        }
        return rows;
    }

    public sealed record Request(HttpMethod Method, string Path, string? Body);

    /// <summary>What a call answered: the status, and for a problem document its code and scope.</summary>
    public sealed record Answer(HttpStatusCode Status, string? Code, string? Scope, string Text)
    {
        public bool IsSuccess => (int)Status is >= 200 and < 300;

        public override string ToString() => $"{(int)Status} {Text}";
    }

    /// <summary>
    /// The scene of one row. Workspace "Scopes": its owner, Mia (a member in no channel), and the bot (a member, with a
    /// token holding every scope). "general", which the bot joined and posted a message to (with its own reaction, and
    /// followed); "lobby", a public channel the bot is not in; "bot-room" and "bot-archived", channels the bot created (the
    /// second archived); the bot's slash command /ping; an invite link. Workspace "Elsewhere" of the owner: an invite code, and an invitation of Mia's.
    /// </summary>
    public sealed record Scene(string OwnerToken, string Owner, string OwnerSession, string Ws, string General, string Lobby, string BotRoom, string BotArchived,
        string Mia, string OutsiderEmail, string Invite, string InviteCode, string Invitation, string Bot, string BotToken, string BotTokenId, string BotMessage,
        string BotAttachment, string BotSubscription);

    public sealed class Server : IAsyncLifetime
    {
        private readonly HttpClient _http = new();
        private TestServer _server = null!;
        private int _users;

        public Uri Url => _server.Url;

        public async Task InitializeAsync() => _server = await TestServer.StartAsync();

        public async Task DisposeAsync()
        {
            _http.Dispose();
            await _server.DisposeAsync();
        }

        /// <summary>
        /// Every route under /api/v1 of the running app, as "METHOD /api/v1/pattern". HEAD, which every GET route also
        /// answers (RFC 9110), is the GET row's twin: same handler, same scope, no row of its own.
        /// </summary>
        public HashSet<string> Routes() =>
        [
            .. _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
                .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Where(method => method != "HEAD").Select(method => $"{method} /{e.RoutePattern.RawText!.TrimStart('/')}"))
                .Where(route => route.Contains(" /api/v1/", StringComparison.Ordinal)),
        ];

        public async Task<Scene> SceneAsync()
        {
            var (owner, ownerUser) = await RegisterAsync();
            var (miaToken, mia) = await RegisterAsync();
            var ownerSession = (await CheckAsync(new(HttpMethod.Get, "auth/sessions", null), owner))[0].GetProperty("id").GetString()!;
            var ws = await CreateAsync("workspaces", """{"name":"Scopes"}""", owner);
            var general = await CreateAsync($"workspaces/{ws}/channels", """{"name":"general"}""", owner);
            var lobby = await CreateAsync($"workspaces/{ws}/channels", """{"name":"lobby"}""", owner);
            // A direct add by user_id: the test server allows it (Tanager:AllowDirectMemberAdd).
            await CheckAsync(new(HttpMethod.Post, $"workspaces/{ws}/members", $$"""{"user_id":"{{mia.Id}}","role":"member"}"""), owner);
            var invite = await CreateAsync($"workspaces/{ws}/invites", """{"role":"member"}""", owner);

            var created = await CheckAsync(new(HttpMethod.Post, $"workspaces/{ws}/bots", """{"name":"Scope bot"}"""), owner);
            var bot = created.GetProperty("user").GetProperty("id").GetString()!;
            var botToken = created.GetProperty("token").GetProperty("token").GetString()!;
            var botTokenId = created.GetProperty("token").GetProperty("id").GetString()!;
            await CheckAsync(new(HttpMethod.Post, $"workspaces/{ws}/channels/{general}/join", null), botToken);
            var botMessage = await CreateAsync($"workspaces/{ws}/channels/{general}/messages", """{"content":"hello from the bot"}""", botToken);
            var message = $"workspaces/{ws}/channels/{general}/messages/{botMessage}";
            await CheckAsync(new(HttpMethod.Put, $"{message}/reactions/{Uri.EscapeDataString("👍")}", null), botToken);
            await CheckAsync(new(HttpMethod.Put, $"{message}/follow", null), botToken);
            // An image the bot posted in general, with its thumbnail made.
            var png = Files.TestImages.Encode(8, 8, SkiaSharp.SKEncodedImageFormat.Png);
            var slot = await CheckAsync(new(HttpMethod.Post, $"workspaces/{ws}/channels/{general}/attachments", $$"""{"file_name":"beep.png","content_type":"image/png","size":{{png.Length}}}"""), botToken);
            var botAttachment = slot.GetProperty("attachment").GetProperty("id").GetString()!;
            using (var upload = new ByteArrayContent(png))
            {
                upload.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                using var put = await _http.PutAsync(slot.GetProperty("upload_url").GetString(), upload);
                Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
            }
            await CheckAsync(new(HttpMethod.Post, $"workspaces/{ws}/channels/{general}/messages", $$"""{"content":"file","attachment_ids":["{{botAttachment}}"]}"""), botToken);
            Answer? thumbnail = null;
            Assert.True(await Eventually.UntilAsync(async () =>
                (thumbnail = await SendAsync(new(HttpMethod.Get, $"api/v1/workspaces/{ws}/attachments/{botAttachment}/thumbnail", null), botToken)).Status == HttpStatusCode.OK),
                $"The thumbnail was not made: {thumbnail}");
            var botRoom = await CreateAsync($"workspaces/{ws}/channels", """{"name":"bot-room"}""", botToken);
            var botArchived = await CreateAsync($"workspaces/{ws}/channels", """{"name":"bot-archived"}""", botToken);
            await CheckAsync(new(HttpMethod.Post, $"workspaces/{ws}/channels/{botArchived}/archive", null), botToken);
            await CheckAsync(new(HttpMethod.Put, $"workspaces/{ws}/commands/ping", """{"description":"Answers pong"}"""), botToken);
            var botSubscription = await CreateAsync($"workspaces/{ws}/subscriptions", """{"url":"https://hooks.example.test/scene","events":["MESSAGE_MENTION"]}""", botToken);

            var elsewhere = await CreateAsync("workspaces", """{"name":"Elsewhere"}""", owner);
            var code = (await CheckAsync(new(HttpMethod.Post, $"workspaces/{elsewhere}/invites", """{"role":"member"}"""), owner)).GetProperty("code").GetString()!;
            await CheckAsync(new(HttpMethod.Post, $"workspaces/{elsewhere}/members", $$"""{"email":"{{mia.Email}}"}"""), owner);
            var invitation = (await CheckAsync(new(HttpMethod.Get, "invitations", null), miaToken))[0].GetProperty("id").GetString()!;

            return new Scene(owner, ownerUser.Id, ownerSession, ws, general, lobby, botRoom, botArchived, mia.Id, $"outsider-{Guid.NewGuid():N}@example.test", invite, code, invitation,
                bot, botToken, botTokenId, botMessage, botAttachment, botSubscription);
        }

        /// <summary>A new token of the scene's bot with exactly these scopes.</summary>
        public async Task<string> TokenAsync(Scene scene, IReadOnlyList<string> scopes)
        {
            var body = JsonSerializer.Serialize(new CreateTokenRequest { Name = "scope matrix", Scopes = scopes }, TanagerJsonContext.Default.CreateTokenRequest);
            var token = await CheckAsync(new(HttpMethod.Post, $"bots/{scene.Bot}/tokens", body), scene.OwnerToken);
            Assert.Equal(scopes.Order(), token.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!).Order());
            return token.GetProperty("token").GetString()!;
        }

        public async Task<Answer> SendAsync(Request request, string token)
        {
            using var response = await SendRawAsync(request, token);
            var text = await response.Content.ReadAsStringAsync();
            string? code = null, scope = null;
            if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
            {
                var problem = JsonDocument.Parse(text).RootElement;
                code = problem.TryGetProperty("code", out var c) ? c.GetString() : null;
                scope = problem.TryGetProperty("scope", out var s) ? s.GetString() : null;
            }
            return new Answer(response.StatusCode, code, scope, $"{request.Method} {request.Path}: {text}");
        }

        public async Task<HttpResponseMessage> OpenEventsAsync(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.Url, "api/v1/events"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Accept.ParseAdd("text/event-stream");
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        }

        private async Task<HttpResponseMessage> SendRawAsync(Request request, string token)
        {
            using var message = new HttpRequestMessage(request.Method, new Uri(_server.Url, request.Path.TrimStart('/')));
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (request.Body is not null)
            {
                message.Content = new StringContent(request.Body, Encoding.UTF8, "application/json");
            }
            return await _http.SendAsync(message);
        }

        private async Task<JsonElement> CheckAsync(Request request, string token)
        {
            using var response = await SendRawAsync(request with { Path = "api/v1/" + request.Path }, token);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"Setting up the scene: {request.Method} {request.Path} answered {(int)response.StatusCode} {text}");
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }

        private async Task<string> CreateAsync(string path, string body, string token) =>
            (await CheckAsync(new(HttpMethod.Post, path, body), token)).GetProperty("id").GetString()!;

        private async Task<(string Token, (string Id, string Email) User)> RegisterAsync()
        {
            var email = $"scopes{Interlocked.Increment(ref _users)}-{Guid.NewGuid():N}@example.test";
            using var response = await _http.PostAsync(new Uri(_server.Url, "api/v1/auth/register"),
                new StringContent($$"""{"email":"{{email}}","password":"correct horse battery","display_name":"Scopes"}""", Encoding.UTF8, "application/json"));
            var session = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return (session.GetProperty("token").GetString()!, (session.GetProperty("user").GetProperty("id").GetString()!, email));
        }
    }
}
