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
        ["GET /api/v1/notifications/web-push-key"] = "the server's VAPID public key, the same for everyone; names nothing",
        ["POST /api/v1/users/me/web-push-subscriptions"] = "subscribes a browser for the caller only; an endpoint already saved moves to the caller, who gave it (WebPushTests)",
        ["GET /api/v1/users/me/web-push-subscriptions"] = "the caller's own push subscriptions; its answer is checked for B's ids below",
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
        ["POST /api/v1/workspaces/{workspaceId}/commands/responses/{responseId}"] = "anonymous; the response id, signed with the command's secret over the workspace id, is the capability (SlashCommandUrlTests: an altered id or another workspace is 404)",
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
    private static readonly string[] KnownParameters = ["workspaceId", "channelId", "messageId", "userId", "inviteId", "invitationId", "code", "role", "emoji", "sessionId", "botId", "tokenId", "attachmentId", "webhookId", "command", "subscriptionId", "pushSubscriptionId"];

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
}

internal static class QueueWaits
{
    public static Task<bool> UntilContainsAsync(this ConcurrentQueue<string> queue, string text) =>
        Eventually.Until(() => queue.Any(e => e.Contains(text, StringComparison.Ordinal)));
}
