using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// Issue 4, Done-when #3: Alice, owner of workspace A, calls every REST route and every gateway op with ids of workspace
/// B (which she is not in) and of a private channel of A (which she is not in), and gets 404 each time; meanwhile no
/// event about B or that channel reaches any of her connections (SDK gateway, raw gateway resumed with B's channel
/// ids, SSE resumed with the same), and B's data is exactly as before.
/// </summary>
/// <remarks>
/// The routes come from the running app's <see cref="EndpointDataSource"/>, so a route added later is called too, and
/// the test fails until it has an input here (a request body for writes, or a reason in <see cref="NotIdScoped"/>).
/// An invite code is a capability: whoever holds B's valid code may join B, so accepting it is not a leak. The test
/// accepts a code with B's workspace in it but a wrong secret, and a garbage code, which must both be 404.
/// </remarks>
public sealed partial class IsolationTests
{
    /// <summary>A word in every message of B and of A's private channel; it must never reach Alice.</summary>
    private const string Secret = "zebra";

    /// <summary>Routes that name no workspace, channel, message, member or invite, and why they are not called with B's ids.</summary>
    private static readonly Dictionary<string, string> NotIdScoped = new(StringComparer.Ordinal)
    {
        ["POST /api/v1/auth/register"] = "anonymous; creates an account and names no other resource",
        ["POST /api/v1/auth/login"] = "anonymous; names no other resource",
        ["POST /api/v1/auth/login/two-factor"] = "anonymous; completes a login by its challenge and names no other resource",
        ["GET /api/v1/auth/two-factor"] = "the caller's own two-factor status; names nothing",
        ["POST /api/v1/auth/two-factor"] = "enrols the caller's own authenticator; names nothing",
        ["POST /api/v1/auth/two-factor/confirm"] = "confirms the caller's own authenticator; names nothing",
        ["POST /api/v1/auth/two-factor/disable"] = "turns off the caller's own two-factor sign-in; names nothing",
        ["POST /api/v1/auth/logout"] = "ends the caller's own token and names nothing else; not called (it would sign Alice out)",
        ["GET /api/v1/users/me"] = "the caller's own profile; its answer is checked for B's ids below",
        ["PATCH /api/v1/users/me"] = "edits the caller's own profile only; names no other resource",
        ["GET /api/v1/users/me/notification-preferences"] = "the caller's own notification preferences; names nothing",
        ["PUT /api/v1/users/me/notification-preferences"] = "the caller's own preferences; a muted channel id is only stored against the caller, never read or shown to anyone else",
        ["GET /api/v1/notifications/unsubscribe"] = "anonymous; the signed token is the capability and names only its own user (EmailNotificationTests: a forged token is 404)",
        ["POST /api/v1/notifications/unsubscribe"] = "anonymous; turns off email for the token's own user only (EmailNotificationTests)",
        ["POST /api/v1/workspaces"] = "creates a new workspace owned by the caller",
        ["GET /api/v1/workspaces"] = "the caller's own workspaces; its answer is checked for B's ids below",
        ["GET /api/v1/invitations"] = "the caller's own invitations (addressed to their email); its answer is checked for B's ids below",
        ["GET /api/v1/events"] = "the SSE stream: open all test long, resumed with Last-Event-ID naming B's and the private channel",
        ["* /gateway"] = "the WebSocket gateway: its ops (RESUME, TYPING, PRESENCE_UPDATE) are exercised below",
        ["GET /health"] = "server health; names nothing",
        ["GET /api/v1/openapi.json"] = "the API's OpenAPI document, the same for everyone; names nothing",
        ["GET /health/live"] = "liveness probe; runs no check and names nothing",
        ["GET /health/ready"] = "readiness probe; answers each check's status by its fixed name, nothing about users or workspaces",
        ["GET /api/v1/auth/sessions"] = "the caller's own sessions; its answer is checked for B's ids below",
        ["DELETE /api/v1/auth/sessions"] = "signs out the caller's own other sessions and names nothing",
        ["POST /api/v1/auth/password"] = "changes the caller's own password and names nothing",
        ["POST /api/v1/gateway/ticket"] = "a ticket for the caller's own gateway connection; names nothing",
        ["GET /api/v1/auth/sso/providers"] = "anonymous; the server's configured identity providers, names nothing",
        ["GET /api/v1/auth/sso/{provider}/start"] = "anonymous; names a configured identity provider, not a workspace resource",
        ["GET /api/v1/auth/sso/{provider}/callback"] = "anonymous; the identity provider's answer, checked by the handler (SingleSignOnTests)",
        ["POST /api/v1/auth/sso/{provider}/callback"] = "anonymous; the identity provider's answer, checked by the handler (SingleSignOnTests)",
        ["POST /api/v1/auth/sso/exchange"] = "anonymous; trades a one-time sign-in code, names nothing",
        ["POST /api/v1/auth/sso/{provider}/link"] = "a link ticket for the caller's own account; names an identity provider, nothing in a workspace",
        ["DELETE /api/v1/auth/sso/{provider}/link"] = "unlinks the caller's own account; names an identity provider, nothing in a workspace",
        ["GET /api/v1/auth/sso/links"] = "the caller's own linked identity providers; names nothing",
        ["POST /api/v1/webhooks/{webhookId}/{token}"] = "anonymous; the secret token in the URL is the capability (WebhookTests: a wrong token, another hook's token and a deleted hook are all 404)",
        ["POST /api/v1/admin/users"] = "server administration, not workspace-scoped: AdministrationTests shows non-administrators get 403",
        ["GET /api/v1/admin/users/{user}"] = "server administration (see AdministrationTests)",
        ["POST /api/v1/admin/users/{user}/deactivate"] = "server administration (see AdministrationTests)",
        ["POST /api/v1/admin/users/{user}/reactivate"] = "server administration (see AdministrationTests)",
        ["PUT /api/v1/admin/users/{user}/server-admin"] = "server administration (see AdministrationTests)",
        ["DELETE /api/v1/admin/users/{user}/server-admin"] = "server administration (see AdministrationTests)",
        ["POST /api/v1/admin/api-keys"] = "server administration (see AdministrationTests)",
        ["GET /api/v1/admin/api-keys"] = "server administration (see AdministrationTests)",
        ["DELETE /api/v1/admin/api-keys/{keyId}"] = "server administration (see AdministrationTests)",
        ["DELETE /api/v1/admin/users/{user}/two-factor"] = "server administration (see TwoFactorTests)",
        ["GET /api/v1/admin/audit"] = "server administration (see SignInSecurityTests)",
        ["PUT /api/v1/files/{**key}"] = "a signed local-disk file URL: authorised by its HMAC over key, expiry and size, not by the caller; AttachmentTests shows an altered key or expiry is refused",
        ["GET /api/v1/files/{**key}"] = "a signed local-disk file URL (see the PUT); a download URL is handed out only after the membership check tested here",
    };

    /// <summary>Plausible valid bodies of the writes, by "METHOD pattern"; null means the route takes none.</summary>
    private static readonly Dictionary<string, Func<World, string?>> Bodies = new(StringComparer.Ordinal)
    {
        ["PATCH /api/v1/workspaces/{workspaceId}"] = _ => """{"name":"Hijacked"}""",
        ["POST /api/v1/workspaces/{workspaceId}/members"] = w => $$"""{"email":"{{w.OutsiderEmail}}","role":"member"}""",
        ["POST /api/v1/workspaces/{workspaceId}/transfer"] = w => $$"""{"user_id":"{{w.Alice}}"}""",
        ["POST /api/v1/workspaces/{workspaceId}/leave"] = _ => null,
        ["PATCH /api/v1/workspaces/{workspaceId}/members/{userId}"] = _ => """{"role":"guest"}""",
        ["POST /api/v1/workspaces/{workspaceId}/invites"] = _ => """{"role":"member"}""",
        ["POST /api/v1/invites/{code}/accept"] = _ => null,
        ["POST /api/v1/workspaces/{workspaceId}/channels"] = _ => """{"name":"hijack"}""",
        ["POST /api/v1/workspaces/{workspaceId}/dms"] = w => $$"""{"user_ids":["{{w.Alice}}","{{w.Dave}}"]}""",
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/join"] = _ => null,
        ["PATCH /api/v1/workspaces/{workspaceId}/channels/{channelId}"] = _ => """{"name":"hijacked","topic":"hijacked"}""",
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/archive"] = _ => null,
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/unarchive"] = _ => null,
        ["PUT /api/v1/workspaces/{workspaceId}/channels/{channelId}/overrides/{role}"] = _ => """{"deny":["send_messages"]}""",
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/members"] = w => $$"""{"user_id":"{{w.Alice}}"}""",
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/leave"] = _ => null,
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/messages"] = _ => """{"content":"hijack"}""",
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/attachments"] = _ => """{"file_name":"hijack.txt","content_type":"text/plain","size":3}""",
        ["PATCH /api/v1/workspaces/{workspaceId}/channels/{channelId}/messages/{messageId}"] = _ => """{"content":"hijacked"}""",
        ["PUT /api/v1/workspaces/{workspaceId}/channels/{channelId}/messages/{messageId}/reactions/{emoji}"] = _ => null,
        ["PUT /api/v1/workspaces/{workspaceId}/channels/{channelId}/messages/{messageId}/pin"] = _ => null,
        ["PUT /api/v1/workspaces/{workspaceId}/channels/{channelId}/messages/{messageId}/follow"] = _ => null,
        ["PUT /api/v1/workspaces/{workspaceId}/channels/{channelId}/read"] = _ => """{"sequence":1}""",
        ["POST /api/v1/invitations/{invitationId}/accept"] = _ => null,
        ["POST /api/v1/invitations/{invitationId}/decline"] = _ => null,
        ["POST /api/v1/workspaces/{workspaceId}/bots"] = _ => """{"name":"Hijack bot"}""",
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/webhooks"] = _ => """{"name":"Hijack hook"}""",
        ["POST /api/v1/bots/{botId}/tokens"] = _ => """{"name":"hijack"}""",
        ["PUT /api/v1/workspaces/{workspaceId}/commands/{command}"] = w => $$"""{"description":"hijacked","bot_id":"{{w.ABot}}"}""",
        ["POST /api/v1/workspaces/{workspaceId}/channels/{channelId}/commands"] = _ => """{"command":"zebra-deploy","args":"hijack"}""",
        ["POST /api/v1/workspaces/{workspaceId}/commands/replies"] = _ => """{"invocation_id":"hijack","content":"hijack","ephemeral":true}""",
        ["POST /api/v1/workspaces/{workspaceId}/subscriptions"] = _ => """{"url":"https://hooks.example.test/hijack","events":["MESSAGE_CREATE"]}""",
        ["POST /api/v1/workspaces/{workspaceId}/subscriptions/{subscriptionId}/dead-letters/replay"] = _ => "{}",
    };

    /// <summary>Query strings that make a read meaningful (a search for the secret word, replies included).</summary>
    private static readonly Dictionary<string, string> Queries = new(StringComparer.Ordinal)
    {
        ["GET /api/v1/workspaces/{workspaceId}/search"] = "?q=" + Secret,
        ["GET /api/v1/workspaces/{workspaceId}/channels/{channelId}/messages"] = "?include_replies=true",
        ["GET /api/v1/workspaces/{workspaceId}/channels/{channelId}/changes"] = "?since=0",
    };

    /// <summary>The route parameters the test knows how to fill; a route with any other fails the test.</summary>
    private static readonly string[] KnownParameters = ["workspaceId", "channelId", "messageId", "userId", "inviteId", "invitationId", "code", "role", "emoji", "sessionId", "botId", "tokenId", "attachmentId", "webhookId", "command", "subscriptionId"];

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_user_of_workspace_A_gets_404_for_every_id_of_workspace_B_and_of_private_channels_and_no_event_leaks(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage, o => o.Gateway.HeartbeatInterval = TimeSpan.FromMinutes(5));
        var w = await World.CreateAsync(server);
        using var http = new HttpClient();

        // Control connections: Bob (B) and Carol (A's private channel) must see their events, which proves events flowed.
        var bobFeed = await Feed.ConnectAsync(w.Bob);
        var carolFeed = await Feed.ConnectAsync(w.Carol);

        // Alice's connections, open all test long: the SDK, a raw gateway that RESUMEs naming B's and the private channel,
        // and an SSE stream that resumes the same way. A's general channel is named too: its replay proves resuming works.
        var aliceFeed = await Feed.ConnectAsync(w.AliceClient);
        var positions = new[] { w.General, w.BPublic, w.BPrivate, w.APrivate };
        await using var raw = await RawFeed.ResumeAsync(server.Url, w.AliceClient.Token!, positions.ToDictionary(id => id, _ => 0L));
        await using var sse = await SseFeed.OpenAsync(http, server.Url, w.AliceClient.Token!, string.Join(',', positions.Select(id => id + ":0")));
        Assert.True(await raw.Frames.UntilContainsAsync("\"t\":\"READY\""), "The raw gateway connection never got READY.");
        Assert.True(await sse.Events.UntilContainsAsync("READY"), "The SSE stream never got READY.");
        Assert.True(await raw.Frames.UntilContainsAsync(w.GeneralMessage), "RESUME did not replay A's general channel, so it proves nothing.");
        Assert.True(await sse.Events.UntilContainsAsync(w.GeneralMessage), "Last-Event-ID did not replay A's general channel, so it proves nothing.");

        var before = await w.SnapshotAsync(http);
        var failures = new List<string>();
        var covered = await CallEveryRouteAsync(server, http, w, failures);
        await CallWithForeignIdsInBodiesAsync(server, http, w, failures);
        await CheckListingsAsync(server, http, w, failures);

        // TYPING naming B's channels, or A's private one, in any mix of workspace and channel: ERROR not_found each time.
        string[][] typing =
        [
            [w.B, w.BPublic], [w.B, w.BPrivate], [w.A, w.BPublic], [w.A, w.BPrivate], [w.A, w.APrivate], [w.B, w.General], [w.B, w.APrivate],
        ];
        foreach (var pair in typing)
        {
            await raw.SendAsync($$$"""{"op":4,"d":{"workspace_id":"{{{pair[0]}}}","channel_id":"{{{pair[1]}}}"}}""");
        }
        await raw.SendAsync("""{"op":3,"d":{"status":"dnd"}}""");
        Assert.True(await Eventually.Until(() => raw.Errors().Count >= typing.Length), $"Expected {typing.Length} ERROR frames, got: {string.Join(" ", raw.Errors())}");
        Assert.All(raw.Errors(), e => Assert.Contains($"\"code\":\"{ErrorCodes.NotFound}\"", e, StringComparison.Ordinal));

        // Nothing Alice tried changed B or A's private channel.
        var after = await w.SnapshotAsync(http);
        Assert.Equal(before.Count, after.Count);
        foreach (var (key, value) in before)
        {
            if (after[key] != value)
            {
                failures.Add($"Alice's attempts changed {key}:\n  before {value}\n  after  {after[key]}");
            }
        }

        // Events happen in B and in A's private channel; their members get them.
        var control = await w.MakeControlEventsAsync();
        Assert.True(await bobFeed.UntilContainsAsync(control.BMessage), "Bob did not get his channel's MESSAGE_CREATE.");
        Assert.True(await bobFeed.UntilContainsAsync("REACTION_ADD"), "Bob did not get REACTION_ADD.");
        Assert.True(await bobFeed.UntilContainsAsync(control.BChannel), "Bob did not get CHANNEL_CREATE.");
        Assert.True(await bobFeed.UntilContainsAsync("MESSAGE_UPDATE"), "Bob did not get MESSAGE_UPDATE.");
        Assert.True(await carolFeed.UntilContainsAsync(control.PrivateMessage), "Carol did not get her private channel's MESSAGE_CREATE.");
        Assert.True(await carolFeed.UntilContainsAsync("CHANNEL_UPDATE"), "Carol did not get CHANNEL_UPDATE of her private channel.");
        Assert.True(await carolFeed.UntilContainsAsync("CHANNEL_MEMBER_ADD"), "Carol did not get CHANNEL_MEMBER_ADD of her private channel.");

        // A fence: once Alice's own message reached each of her connections, anything published before it has too.
        var fence = await w.AliceClient.PostMessageAsync(w.A, w.General, "fence");
        Assert.True(await aliceFeed.UntilContainsAsync(fence.Id), "Alice's SDK did not get her own message.");
        Assert.True(await raw.Frames.UntilContainsAsync(fence.Id), "Alice's raw gateway did not get her own message.");
        Assert.True(await sse.Events.UntilContainsAsync(fence.Id), "Alice's SSE stream did not get her own message.");

        var forbidden = w.Forbidden().Concat(control.Ids).ToList();
        foreach (var (name, events) in new[] { ("SDK gateway", aliceFeed.Snapshot()), ("raw gateway (RESUME)", raw.Frames.ToList()), ("SSE (Last-Event-ID)", sse.Events.ToList()) })
        {
            foreach (var text in events)
            {
                if (forbidden.FirstOrDefault(id => text.Contains(id, StringComparison.Ordinal)) is { } leaked)
                {
                    failures.Add($"Alice's {name} connection received something naming '{leaked}': {text}");
                }
            }
        }
        Assert.Equal(typing.Length, raw.Errors().Count);
        // And the other way: nothing of A reached Bob.
        foreach (var text in bobFeed.Snapshot())
        {
            if (new[] { w.A, w.General, w.Alice, w.Carol.User!.Id }.FirstOrDefault(id => text.Contains(id, StringComparison.Ordinal)) is { } leaked)
            {
                failures.Add($"Bob's gateway connection received something naming '{leaked}': {text}");
            }
        }

        Assert.True(covered >= 30, $"Only {covered} route/method pairs were called with foreign ids.");
        Assert.True(failures.Count == 0, $"{failures.Count} isolation failure(s):\n" + string.Join("\n", failures));
    }

    /// <summary>
    /// Calls every route of the running app, with every way of naming what Alice may not see, and returns how many
    /// route/method pairs were called. A route the test cannot fill fails it.
    /// </summary>
    private static async Task<int> CallEveryRouteAsync(TestServer server, HttpClient http, World w, List<string> failures)
    {
        var routes = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                // HEAD runs the GET handler of the same route (RFC 9110), so the GET calls cover it.
                .Where(method => method != "HEAD")
                .Select(method => (Method: method, Pattern: e.RoutePattern)))
            .ToList();
        Assert.True(routes.Count >= 40, $"Only {routes.Count} routes found; is the endpoint list read correctly?");
        var unmapped = new List<string>();
        var sent = new HashSet<string>(StringComparer.Ordinal);
        var covered = 0;
        foreach (var (method, pattern) in routes)
        {
            var raw = "/" + pattern.RawText!.TrimStart('/');
            var key = $"{method} {raw}";
            var parameters = pattern.Parameters.Select(p => p.Name).ToList();
            if (NotIdScoped.ContainsKey(key))
            {
                continue;
            }
            if (parameters.Count == 0)
            {
                unmapped.Add($"{key}: names no id; list it in NotIdScoped with the reason it cannot leak");
                continue;
            }
            if (parameters.Except(KnownParameters).ToList() is { Count: > 0 } unknown)
            {
                unmapped.Add($"{key}: unknown route parameter(s) {string.Join(", ", unknown)}");
                continue;
            }
            Func<World, string?>? body = null;
            if (method is "POST" or "PUT" or "PATCH" && !Bodies.TryGetValue(key, out body))
            {
                unmapped.Add($"{key}: no request body in Bodies");
                continue;
            }
            var query = Queries.GetValueOrDefault(key, "");
            var any = false;
            foreach (var scenario in w.Scenarios().Where(s => parameters.Any(s.Foreign.Contains)))
            {
                var path = raw;
                foreach (var parameter in parameters)
                {
                    path = path.Replace("{" + parameter + "}", Uri.EscapeDataString(scenario.Values[parameter]), StringComparison.Ordinal);
                }
                if (!sent.Add(method + " " + path))
                {
                    continue;
                }
                any = true;
                await ExpectNotFoundAsync(server, http, w, new HttpMethod(method), path + query, body?.Invoke(w), $"{key} [{scenario.Name}]", failures);
            }
            Assert.True(any, $"{key} was not called with any foreign id.");
            covered++;
        }
        Assert.True(unmapped.Count == 0, "Routes without isolation coverage:\n" + string.Join("\n", unmapped));
        return covered;
    }

    /// <summary>Ids that travel in bodies: a thread, a user to add or hand the workspace to.</summary>
    private static async Task CallWithForeignIdsInBodiesAsync(TestServer server, HttpClient http, World w, List<string> failures)
    {
        var messages = $"/api/v1/workspaces/{w.A}/channels/{w.General}/messages";
        await ExpectNotFoundAsync(server, http, w, HttpMethod.Post, messages, $$"""{"content":"hijack","thread_id":"{{w.BRoot}}"}""", "reply in A to B's message", failures);
        await ExpectNotFoundAsync(server, http, w, HttpMethod.Post, messages, $$"""{"content":"hijack","thread_id":"{{w.APrivateMessage}}"}""", "reply in A's general to a private channel's message", failures);
        await ExpectNotFoundAsync(server, http, w, HttpMethod.Post, messages, $$"""{"content":"hijack","attachment_ids":["{{w.BAttachment}}"]}""", "post in A with B's attachment", failures);
        await ExpectNotFoundAsync(server, http, w, HttpMethod.Post, messages, $$"""{"content":"hijack","attachment_ids":["{{w.APrivateAttachment}}"]}""", "post in A's general with the private channel's attachment", failures);
        await ExpectNotFoundAsync(server, http, w, HttpMethod.Post, $"/api/v1/workspaces/{w.A}/channels/{w.General}/members", $$"""{"user_id":"{{w.Dave}}"}""", "add B's member to A's channel", failures);
        await ExpectNotFoundAsync(server, http, w, HttpMethod.Post, $"/api/v1/workspaces/{w.B}/channels/{w.BPublic}/members", $$"""{"user_id":"{{w.Dave}}"}""", "add a member to B's channel", failures);
        await ExpectNotFoundAsync(server, http, w, HttpMethod.Post, $"/api/v1/workspaces/{w.A}/dms", $$"""{"user_ids":["{{w.Dave}}"]}""", "open a direct message in A with B's member", failures);
        await ExpectNotFoundAsync(server, http, w, HttpMethod.Post, $"/api/v1/workspaces/{w.A}/transfer", $$"""{"user_id":"{{w.Dave}}"}""", "hand A to B's member", failures);
    }

    /// <summary>Every read of Alice's own things (A, its general channel, her teammate) answers without a trace of B or the private channel.</summary>
    private static async Task CheckListingsAsync(TestServer server, HttpClient http, World w, List<string> failures)
    {
        var routes = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .Select(e => e.RoutePattern)
            .Where(p => p.RawText!.Contains("/api/v1/", StringComparison.Ordinal) && !p.RawText.EndsWith("/events", StringComparison.Ordinal)
                && !p.RawText.Contains("/api/v1/files/", StringComparison.Ordinal)
                // Single sign-on's browser routes redirect to a provider; none lists anything.
                && !p.RawText.Contains("/api/v1/auth/sso/{provider}/", StringComparison.Ordinal)
                // The audit log is the whole server's by design, read only by server administrators (as Alice is here).
                && !p.RawText.EndsWith("/admin/audit", StringComparison.Ordinal)
                // The unsubscribe page answers only a signed token from an email and lists nothing (EmailNotificationTests).
                && !p.RawText.EndsWith("/notifications/unsubscribe", StringComparison.Ordinal));
        var forbidden = w.Forbidden();
        foreach (var pattern in routes)
        {
            var raw = "/" + pattern.RawText!.TrimStart('/');
            var path = raw;
            foreach (var parameter in pattern.Parameters.Select(p => p.Name))
            {
                path = path.Replace("{" + parameter + "}", Uri.EscapeDataString(w.Own[parameter]), StringComparison.Ordinal);
            }
            path += Queries.GetValueOrDefault("GET " + raw, "");
            using var response = await SendAsync(server, http, w.AliceClient.Token!, HttpMethod.Get, path, null);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                failures.Add($"GET {path} (Alice's own ids) answered {(int)response.StatusCode}: {text}");
            }
            else if (forbidden.FirstOrDefault(id => text.Contains(id, StringComparison.Ordinal)) is { } leaked)
            {
                failures.Add($"GET {path} (Alice's own ids) names '{leaked}': {text}");
            }
        }
    }

    private static async Task ExpectNotFoundAsync(TestServer server, HttpClient http, World w, HttpMethod method, string path, string? body, string what, List<string> failures)
    {
        using var response = await SendAsync(server, http, w.AliceClient.Token!, method, path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.NotFound || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            failures.Add($"{what}: {method} {path} answered {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}: {text}");
        }
        else if (w.Forbidden().FirstOrDefault(id => text.Contains(id, StringComparison.Ordinal)) is { } leaked)
        {
            failures.Add($"{what}: {method} {path}: the 404 names '{leaked}': {text}");
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(TestServer server, HttpClient http, string token, HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(server.Url, path.TrimStart('/')));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        return await http.SendAsync(request);
    }

    /// <summary>One way of naming things Alice may not see: a value for every route parameter, and which of them are foreign.</summary>
    private sealed record Scenario(string Name, IReadOnlyDictionary<string, string> Values, IReadOnlySet<string> Foreign);

    private sealed record ControlEvents(string BMessage, string BChannel, string PrivateMessage, IReadOnlyList<string> Ids);

    /// <summary>
    /// Workspace A: Alice (owner), Carol (admin) and Erin; "general" with messages; "carol-private", a private channel of Carol's
    /// that Alice is not in, with a reaction, a pin and a thread. Workspace B: Bob (owner) and Dave; a public and a private
    /// channel, each with a message that has a reaction, a pin and a reply; an invite. Olga has an account and no workspace.
    /// </summary>
    private sealed class World
    {
        public required TestServer Server { get; init; }
        public required TanagerClient AliceClient { get; init; }
        public required TanagerClient Carol { get; init; }
        public required TanagerClient Erin { get; init; }
        public required TanagerClient Bob { get; init; }
        public required TanagerClient DaveClient { get; init; }
        public required string OutsiderEmail { get; init; }
        public required string A { get; init; }
        public required string General { get; init; }
        public required string GeneralMessage { get; init; }
        public required string APrivate { get; init; }
        public required string APrivateMessage { get; init; }
        public required string APrivateReply { get; init; }
        public required string AInvite { get; init; }
        public required string B { get; init; }
        public required string BPublic { get; init; }
        public required string BPrivate { get; init; }
        public required string BRoot { get; init; }
        public required string BReply { get; init; }
        public required string BPrivateMessage { get; init; }
        public required string BPrivateReply { get; init; }
        public required string BInvite { get; init; }
        public required string BInviteCode { get; init; }
        /// <summary>Bob's invitation of Erin (a member of A) to B: only Erin may see, accept or decline it.</summary>
        public required string BInvitation { get; init; }
        public required string ABot { get; init; }
        public required string BobSession { get; init; }
        public required string BBot { get; init; }
        public required string BBotToken { get; init; }
        public required string AAttachment { get; init; }
        public required string APrivateAttachment { get; init; }
        public required string BAttachment { get; init; }
        public required string AWebhook { get; init; }
        public required string BWebhook { get; init; }
        public required string ASubscription { get; init; }
        public required string BSubscription { get; init; }
        /// <summary>The name of B's slash command, answered by B's bot.</summary>
        public string BCommand => "zebra-deploy";

        public string Alice => AliceClient.User!.Id;
        public string Dave => DaveClient.User!.Id;

        /// <summary>Alice's own ids: reading with these must succeed and show nothing forbidden.</summary>
        public Dictionary<string, string> Own => new(StringComparer.Ordinal)
        {
            ["workspaceId"] = A, ["channelId"] = General, ["messageId"] = GeneralMessage, ["userId"] = Carol.User!.Id,
            ["inviteId"] = AInvite, ["role"] = "member", ["emoji"] = "👍", ["code"] = "unused", ["invitationId"] = "unused",
            ["botId"] = ABot, ["sessionId"] = "unused", ["tokenId"] = "unused", ["user"] = Carol.User!.Id, ["attachmentId"] = AAttachment,
            ["webhookId"] = AWebhook, ["command"] = "unused", ["subscriptionId"] = ASubscription,
        };

        public static async Task<World> CreateAsync(TestServer server)
        {
            var alice = await server.NewUserAsync("Alice");
            var carol = await server.NewUserAsync("Carol");
            var erin = await server.NewUserAsync("Erin");
            var bob = await server.NewUserAsync("Bob");
            var dave = await server.NewUserAsync("Dave");
            var olga = await server.NewUserAsync("Olga");

            var a = await alice.CreateWorkspaceAsync("Alpha");
            await alice.AddWorkspaceMemberByIdAsync(a.Id, carol.User!.Id, "admin");
            await alice.AddWorkspaceMemberByIdAsync(a.Id, erin.User!.Id);
            var general = await alice.CreateChannelAsync(a.Id, "general");
            await carol.JoinChannelAsync(a.Id, general.Id);
            var generalMessage = await alice.PostMessageAsync(a.Id, general.Id, "hello team");
            await carol.ReplyAsync(a.Id, general.Id, generalMessage.Id, "hi Alice");
            await alice.FollowThreadAsync(a.Id, general.Id, generalMessage.Id);
            var aPrivate = await carol.CreateChannelAsync(a.Id, "carol-private", "private");
            var aPrivateMessage = await carol.PostMessageAsync(a.Id, aPrivate.Id, $"{Secret} plans, @Alice");
            await carol.AddReactionAsync(a.Id, aPrivate.Id, aPrivateMessage.Id, "👍");
            await carol.PinMessageAsync(a.Id, aPrivate.Id, aPrivateMessage.Id);
            var aPrivateReply = await carol.ReplyAsync(a.Id, aPrivate.Id, aPrivateMessage.Id, $"{Secret} reply");
            var aInvite = await alice.CreateInviteAsync(a.Id);

            var b = await bob.CreateWorkspaceAsync("Beta");
            await bob.AddWorkspaceMemberByIdAsync(b.Id, dave.User!.Id);
            var bPublic = await bob.CreateChannelAsync(b.Id, "general");
            await dave.JoinChannelAsync(b.Id, bPublic.Id);
            var bRoot = await bob.PostMessageAsync(b.Id, bPublic.Id, $"{Secret} roadmap");
            await dave.AddReactionAsync(b.Id, bPublic.Id, bRoot.Id, "👍");
            await bob.PinMessageAsync(b.Id, bPublic.Id, bRoot.Id);
            var bReply = await dave.ReplyAsync(b.Id, bPublic.Id, bRoot.Id, $"{Secret} reply");
            var bPrivate = await bob.CreateChannelAsync(b.Id, "secret", "private");
            await bob.AddChannelMemberAsync(b.Id, bPrivate.Id, dave.User!.Id);
            var bPrivateMessage = await bob.PostMessageAsync(b.Id, bPrivate.Id, $"{Secret} secret");
            await dave.AddReactionAsync(b.Id, bPrivate.Id, bPrivateMessage.Id, "👍");
            await bob.PinMessageAsync(b.Id, bPrivate.Id, bPrivateMessage.Id);
            var bPrivateReply = await dave.ReplyAsync(b.Id, bPrivate.Id, bPrivateMessage.Id, $"{Secret} secret reply");
            var bInvite = await bob.CreateInviteAsync(b.Id);
            await bob.AddWorkspaceMemberAsync(b.Id, erin.User!.Email!);
            var bInvitation = Assert.Single(await erin.ListInvitationsAsync()).Id;
            var aBot = await alice.CreateBotAsync(a.Id, "Alpha bot");
            var bBot = await bob.CreateBotAsync(b.Id, "Beta bot");
            var bobSession = Assert.Single(await bob.ListSessionsAsync()).Id;
            // A posted image in each place (so each has a thumbnail too): Alice's own in general, Carol's in her private channel, Bob's in B.
            var png = Files.TestImages.Encode(8, 8, SkiaSharp.SKEncodedImageFormat.Png);
            async Task<string> FileAsync(TanagerClient who, string workspace, string channel, string name)
            {
                var attachment = await who.UploadAsync(workspace, channel, new MemoryStream(png), name, "image/png");
                var message = await who.PostMessageAsync(workspace, channel, "file", [attachment.Id]);
                Assert.True(await Eventually.UntilAsync(async () => (await who.GetMessagesAsync(workspace, channel)).Messages
                    .Single(m => m.Id == message.Id).Attachments![0].Thumbnail is not null), $"The thumbnail of {name} was not made.");
                return attachment.Id;
            }
            var aAttachment = await FileAsync(alice, a.Id, general.Id, "agenda.png");
            var aPrivateAttachment = await FileAsync(carol, a.Id, aPrivate.Id, $"{Secret}.png");
            var bAttachment = await FileAsync(bob, b.Id, bPublic.Id, $"{Secret}.png");
            var aWebhook = await alice.CreateIncomingWebhookAsync(a.Id, general.Id, "Alpha CI");
            var bWebhook = await bob.CreateIncomingWebhookAsync(b.Id, bPublic.Id, $"{Secret} CI");
            await bob.RegisterCommandAsync(b.Id, "zebra-deploy", $"{Secret} deploys", botId: bBot.User.Id);
            var aSubscription = await SubscribeAsync(server, alice, a.Id, "https://hooks.example.test/alpha");
            var bSubscription = await SubscribeAsync(server, bob, b.Id, $"https://hooks.example.test/{Secret}");

            return new World
            {
                Server = server, AliceClient = alice, Carol = carol, Erin = erin, Bob = bob, DaveClient = dave, OutsiderEmail = olga.User!.Email!,
                A = a.Id, General = general.Id, GeneralMessage = generalMessage.Id, APrivate = aPrivate.Id, APrivateMessage = aPrivateMessage.Id,
                APrivateReply = aPrivateReply.Id, AInvite = aInvite.Id,
                B = b.Id, BPublic = bPublic.Id, BPrivate = bPrivate.Id, BRoot = bRoot.Id, BReply = bReply.Id, BPrivateMessage = bPrivateMessage.Id,
                BPrivateReply = bPrivateReply.Id, BInvite = bInvite.Id, BInviteCode = bInvite.Code!, BInvitation = bInvitation,
                ABot = aBot.User.Id, BBot = bBot.User.Id, BBotToken = bBot.Token!.Id, BobSession = bobSession,
                AAttachment = aAttachment, APrivateAttachment = aPrivateAttachment, BAttachment = bAttachment,
                AWebhook = aWebhook.Id, BWebhook = bWebhook.Id, ASubscription = aSubscription, BSubscription = bSubscription,
            };
        }

        /// <summary>An outgoing webhook of the workspace, made by its owner; returns its id.</summary>
        private static async Task<string> SubscribeAsync(TestServer server, TanagerClient owner, string workspaceId, string url)
        {
            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Url, $"api/v1/workspaces/{workspaceId}/subscriptions"))
            {
                Content = new StringContent($$"""{"url":"{{url}}","events":["MESSAGE_CREATE"]}""", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", owner.Token);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return json.RootElement.GetProperty("id").GetString()!;
        }

        /// <summary>Strings that must never reach Alice: B's ids, its members', the private channel's, and the secret word.</summary>
        public List<string> Forbidden() =>
        [
            B, BPublic, BPrivate, BRoot, BReply, BPrivateMessage, BPrivateReply, BInvite, BInviteCode, BInvitation, Bob.User!.Id, Dave,
            BBot, BBotToken, BobSession, BAttachment, BWebhook, BSubscription,
            APrivate, APrivateMessage, APrivateReply, APrivateAttachment, Secret,
        ];

        public IEnumerable<Scenario> Scenarios()
        {
            // B's code with its last character changed: B's workspace, a wrong secret. B's real code is a capability.
            var wrongCode = BInviteCode[..^1] + (BInviteCode[^1] == 'A' ? 'B' : 'A');
            Scenario Make(string name, string ws, string channel, string message, string user, string invite, string code, params string[] foreign) =>
                new(name, new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["workspaceId"] = ws, ["channelId"] = channel, ["messageId"] = message, ["userId"] = user, ["inviteId"] = invite,
                    ["code"] = code, ["role"] = "member", ["emoji"] = "👍", ["invitationId"] = BInvitation,
                    ["sessionId"] = BobSession, ["botId"] = BBot, ["tokenId"] = BBotToken,
                    // B's file where B's channel is named, the private channel's file where it is, Alice's own elsewhere.
                    ["attachmentId"] = foreign.Contains("channelId") ? (channel == APrivate ? APrivateAttachment : BAttachment) : AAttachment,
                    // B's hook where B's channel is named; Alice's own elsewhere (A's private channel has none).
                    ["webhookId"] = foreign.Contains("channelId") && channel != APrivate ? BWebhook : AWebhook,
                    // B's command: a name, meaningful only with its workspace, so it is foreign exactly when the workspace is.
                    ["command"] = BCommand,
                    // B's subscription: foreign in every scenario (with A's workspace it names nothing of A's, with B's Alice is no member).
                    ["subscriptionId"] = BSubscription,
                }, new HashSet<string>(foreign.Contains("channelId") && channel != General ? [.. foreign, "attachmentId", "webhookId", "subscriptionId"] : [.. foreign, "subscriptionId"], StringComparer.Ordinal));

            yield return Make("B's ids", B, BPublic, BRoot, Dave, BInvite, wrongCode, "workspaceId", "channelId", "messageId", "userId", "inviteId", "code", "invitationId", "sessionId", "botId", "tokenId");
            yield return Make("B's private channel", B, BPrivate, BPrivateMessage, Dave, BInvite, wrongCode, "channelId", "messageId");
            yield return Make("B's reply", B, BPublic, BReply, Bob.User!.Id, BInvite, "inv_garbage", "messageId", "userId", "code");
            yield return Make("A's workspace, B's channel", A, BPublic, BRoot, Dave, BInvite, wrongCode, "channelId", "messageId", "userId", "inviteId");
            yield return Make("A's workspace, B's private channel", A, BPrivate, BPrivateMessage, Dave, BInvite, wrongCode, "channelId", "messageId");
            yield return Make("A's private channel", A, APrivate, APrivateMessage, Carol.User!.Id, AInvite, wrongCode, "channelId", "messageId");
            yield return Make("A's private channel's reply", A, APrivate, APrivateReply, Carol.User!.Id, AInvite, wrongCode, "messageId");
            yield return Make("A's channel, B's message", A, General, BRoot, Dave, BInvite, wrongCode, "messageId", "userId", "inviteId");
            yield return Make("A's channel, the private channel's message", A, General, APrivateMessage, Carol.User!.Id, AInvite, wrongCode, "messageId");
            yield return Make("B's workspace, A's ids", B, General, GeneralMessage, Carol.User!.Id, AInvite, wrongCode, "workspaceId");
        }

        /// <summary>B's and the private channel's state as their members see it.</summary>
        public async Task<Dictionary<string, string>> SnapshotAsync(HttpClient http)
        {
            var bob = Bob.Token!;
            var carol = Carol.Token!;
            var reads = new List<(string Token, string Path)>
            {
                (bob, $"workspaces/{B}"), (bob, $"workspaces/{B}/members"), (bob, $"workspaces/{B}/invites"), (bob, $"workspaces/{B}/channels"),
                (bob, $"workspaces/{B}/commands"), (bob, $"workspaces/{B}/subscriptions"),
                (carol, $"workspaces/{A}/channels/{APrivate}"), (carol, $"workspaces/{A}/channels/{APrivate}/members"),
                (carol, $"workspaces/{A}/channels/{APrivate}/messages?include_replies=true"), (carol, $"workspaces/{A}/channels/{APrivate}/pins"),
                (carol, $"workspaces/{A}/channels"), (carol, $"workspaces/{A}/members"), (Erin.Token!, "invitations"),
            };
            foreach (var channel in new[] { BPublic, BPrivate })
            {
                reads.Add((bob, $"workspaces/{B}/channels/{channel}"));
                reads.Add((bob, $"workspaces/{B}/channels/{channel}/members"));
                reads.Add((bob, $"workspaces/{B}/channels/{channel}/messages?include_replies=true"));
                reads.Add((bob, $"workspaces/{B}/channels/{channel}/pins"));
            }
            var snapshot = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (token, path) in reads)
            {
                using var response = await SendAsync(Server, http, token, HttpMethod.Get, "/api/v1/" + path, null);
                Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode}");
                snapshot[path] = await response.Content.ReadAsStringAsync();
            }
            return snapshot;
        }

        /// <summary>Things happen in B and in A's private channel, with events of every kind those bring.</summary>
        public async Task<ControlEvents> MakeControlEventsAsync()
        {
            var bMessage = await Bob.PostMessageAsync(B, BPublic, $"{Secret} control");
            await DaveClient.AddReactionAsync(B, BPublic, bMessage.Id, "🎉");
            await Bob.EditMessageAsync(B, BPublic, BRoot, $"{Secret} roadmap, edited");
            await Bob.PostMessageAsync(B, BPrivate, $"{Secret} private control");
            var bChannel = await Bob.CreateChannelAsync(B, "beta-new");
            await Bob.UpdateChannelAsync(B, BPublic, topic: $"{Secret} topic");
            await Bob.Gateway.SendTypingAsync(B, BPublic);
            await Bob.Gateway.SetPresenceAsync("dnd");
            await Bob.UpdateProfileAsync(statusText: $"{Secret} status");

            var privateMessage = await Carol.PostMessageAsync(A, APrivate, $"{Secret} private control");
            await Carol.AddReactionAsync(A, APrivate, privateMessage.Id, "🎉");
            await Carol.UpdateChannelAsync(A, APrivate, topic: $"{Secret} private topic");
            await Carol.AddChannelMemberAsync(A, APrivate, Erin.User!.Id);
            await Carol.Gateway.SendTypingAsync(A, APrivate);
            return new ControlEvents(bMessage.Id, bChannel.Id, privateMessage.Id, [bMessage.Id, bChannel.Id, privateMessage.Id]);
        }
    }

    /// <summary>Every DISPATCH an SDK connection received, as "TYPE payload".</summary>
    private sealed class Feed
    {
        private readonly ConcurrentQueue<string> _events = new();

        public static async Task<Feed> ConnectAsync(TanagerClient client)
        {
            var feed = new Feed();
            client.Gateway.Dispatched += d =>
            {
                feed._events.Enqueue(d.Type + " " + d.Data.GetRawText());
                return Task.CompletedTask;
            };
            await client.Gateway.ConnectAsync().Within();
            return feed;
        }

        public List<string> Snapshot() => [.. _events];

        public Task<bool> UntilContainsAsync(string text) => Eventually.Until(() => _events.Any(e => e.Contains(text, StringComparison.Ordinal)));
    }

    /// <summary>A raw gateway connection that RESUMEd with given positions, and every frame it got since.</summary>
    private sealed class RawFeed : IAsyncDisposable
    {
        private readonly RawGatewayClient _client;
        private readonly Task _reading;

        private RawFeed(RawGatewayClient client)
        {
            _client = client;
            _reading = ReadAsync();
        }

        public ConcurrentQueue<string> Frames { get; } = new();

        public static async Task<RawFeed> ResumeAsync(Uri server, string token, Dictionary<string, long> lastSequences)
        {
            var client = await RawGatewayClient.ConnectAsync(server);
            var hello = await client.ReadFrameAsync().Within();
            Assert.Contains("\"op\":10", hello.Text, StringComparison.Ordinal);
            var resume = new IdentifyData { Token = token, LastSequences = lastSequences };
            await client.SendTextAsync(Encoding.UTF8.GetString(GatewayEnvelope.Serialize(GatewayOpCode.Resume, null, resume, TanagerJsonContext.Default.IdentifyData)));
            return new RawFeed(client);
        }

        public Task SendAsync(string json) => _client.SendTextAsync(json);

        public List<string> Errors() => [.. Frames.Where(f => f.StartsWith("{\"op\":12", StringComparison.Ordinal))];

        private async Task ReadAsync()
        {
            try
            {
                while (true)
                {
                    var frame = await _client.ReadFrameAsync();
                    if (frame.Opcode == Tanager.Transport.WebSockets.Internal.WebSocketOpcode.Close)
                    {
                        Frames.Enqueue($"CLOSE {frame.CloseCode}");
                        return;
                    }
                    Frames.Enqueue(frame.Text);
                }
            }
            catch (Exception exception) when (exception is IOException or EndOfStreamException or InvalidOperationException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                // The connection ended; the frames received so far are what is checked.
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _client.DisposeAsync();
            await _reading;
        }
    }

    /// <summary>An SSE stream opened with a Last-Event-ID, and every event it got since, as "event data".</summary>
    private sealed class SseFeed : IAsyncDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _reading;

        private SseFeed(HttpResponseMessage response, Stream body)
        {
            _response = response;
            _reading = ReadAsync(new StreamReader(body));
        }

        public ConcurrentQueue<string> Events { get; } = new();

        public static async Task<SseFeed> OpenAsync(HttpClient http, Uri server, string token, string lastEventId)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, "api/v1/events"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Accept.ParseAdd("text/event-stream");
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return new SseFeed(response, await response.Content.ReadAsStreamAsync());
        }

        private async Task ReadAsync(StreamReader reader)
        {
            var record = new StringBuilder();
            try
            {
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    if (line.Length == 0)
                    {
                        if (record.Length > 0)
                        {
                            Events.Enqueue(record.ToString());
                            record.Clear();
                        }
                        continue;
                    }
                    record.Append(line).Append(' ');
                }
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or HttpRequestException)
            {
                // The stream ended; the events received so far are what is checked.
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _response.Dispose();
            await _reading;
            _stop.Dispose();
        }
    }
}

internal static class QueueWaits
{
    public static Task<bool> UntilContainsAsync(this ConcurrentQueue<string> queue, string text) =>
        Eventually.Until(() => queue.Any(e => e.Contains(text, StringComparison.Ordinal)));
}
