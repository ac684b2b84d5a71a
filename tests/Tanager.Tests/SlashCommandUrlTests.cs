using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// Issue 14: slash commands routed to a URL. A real receiver (Kestrel on loopback) gets each invocation POSTed and signed
/// as outgoing webhooks are, and its answer becomes the reply, ephemeral or posted; a receiver that is slow, fails or
/// answers junk gives the member 502 command_failed and posts nothing; where a command may point is checked.
/// </summary>
public sealed class SlashCommandUrlTests
{
    /// <summary>Short, so the timeout test waits half a second, not Slack's 3 s; the slow receiver takes 4 times as long.</summary>
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMilliseconds(500);

    [Theory]
    [InlineData(TestStorage.InMemory)]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_URL_command_gets_a_signed_request_and_its_answer_is_the_reply_posted_or_ephemeral(TestStorage storage)
    {
        await using var receiver = await Receiver.StartAsync();
        await using var server = await StartAsync(storage);
        await using var room = await Room.CreateAsync(server, "weather");
        var (ann, bea, workspace, channel, annEphemeral, beaEphemeral) = room;

        var weather = await ann.RegisterUrlCommandAsync(workspace.Id, "weather", "Today's weather", new Uri(receiver.Url("channel")), "[city]");
        Assert.Equal(("weather", null, receiver.Url("channel")), (weather.Name, weather.BotUserId, weather.Url));
        var secret = weather.Secret;
        Assert.NotNull(secret);
        Assert.StartsWith("tgh_", secret, StringComparison.Ordinal);
        var forecast = await ann.RegisterUrlCommandAsync(workspace.Id, "forecast", "The week's forecast", new Uri(receiver.Url("ephemeral")));
        await ann.RegisterUrlCommandAsync(workspace.Id, "ping", "Nothing to say", new Uri(receiver.Url("empty")));
        // The secret is shown once: the list, and registering again (an update), never show it.
        var listed = await bea.ListCommandsAsync(workspace.Id);
        Assert.Equal(["forecast", "ping", "weather"], listed.Select(c => c.Name));
        Assert.All(listed, c => Assert.Null(c.Secret));
        Assert.Equal(receiver.Url("channel"), listed.Single(c => c.Name == "weather").Url);
        Assert.Null((await ann.RegisterUrlCommandAsync(workspace.Id, "weather", "Today's weather, anywhere", new Uri(receiver.Url("channel")), "[city]")).Secret);

        // Posted: the receiver's text is Bea's message in the channel (the command has no bot to speak for it).
        var invocation = await bea.InvokeCommandAsync(workspace.Id, channel.Id, "/weather", "Paris");
        Assert.Null(invocation.BotUserId);
        var posted = invocation.Reply?.Message;
        Assert.NotNull(posted);
        Assert.False(invocation.Reply!.Ephemeral);
        Assert.Equal(("Sunny in Paris", bea.User!.Id, channel.Id), (posted.Content, posted.AuthorId, posted.ChannelId));
        Assert.Equal([posted.Id], (await ann.GetMessagesAsync(workspace.Id, channel.Id)).Messages.Select(m => m.Id));

        // What the receiver got: one request, signed with the command's secret, saying who typed what where.
        var request = Assert.Single(receiver.Received("channel"));
        Assert.True(Verifies(secret, request), "The request's signature does not verify with the command's secret.");
        Assert.False(Verifies(secret, request with { Body = [.. request.Body, (byte)' '] }), "A tampered body verified.");
        Assert.Equal("weather", request.Command);
        var body = JsonSerializer.Deserialize(request.Body, TanagerJsonContext.Default.CommandRequestDto)!;
        Assert.Equal(("weather", "Paris", bea.User.Id, "Bea", channel.Id, workspace.Id, invocation.Id),
            (body.Command, body.Text, body.UserId, body.UserName, body.ChannelId, body.WorkspaceId, body.ResponseId));

        // Ephemeral (the default): only Bea receives it, and it is never stored.
        var quiet = await bea.InvokeCommandAsync(workspace.Id, channel.Id, "forecast", "Lyon");
        Assert.True(quiet.Reply?.Ephemeral);
        Assert.Equal(("Rain all week in Lyon", bea.User.Id, "forecast"), (quiet.Reply!.EphemeralMessage!.Content, quiet.Reply.EphemeralMessage.UserId, quiet.Reply.EphemeralMessage.Command));
        Assert.True(await Eventually.Until(() => !beaEphemeral.IsEmpty), "Bea did not receive the ephemeral reply.");
        Assert.Equal("Rain all week in Lyon", Assert.Single(beaEphemeral).Content);

        // An empty 2xx answer is no reply.
        var silent = await bea.InvokeCommandAsync(workspace.Id, channel.Id, "ping");
        Assert.Null(silent.Reply);
        Assert.Single(receiver.Received("empty"));

        // A fence: Ann's own message reaches her after anything published before it; she never saw Bea's ephemeral reply.
        var fence = await ann.PostMessageAsync(workspace.Id, channel.Id, "fence");
        Assert.Equal([posted.Id, fence.Id], (await ann.GetMessagesAsync(workspace.Id, channel.Id)).Messages.Select(m => m.Id));
        Assert.Empty(annEphemeral);
        Assert.NotNull(forecast);
    }

    [Fact]
    public async Task A_URL_answers_later_through_its_response_url_as_the_member_ephemeral_or_posted_and_nobody_else_can()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var server = await TestServer.StartAsync(TestStorage.InMemory, o =>
        {
            o.OutgoingWebhooks.AllowPrivateAddresses = true;
            o.OutgoingWebhooks.CommandTimeout = CommandTimeout;
            // This test counts the later answers of one invocation (the other limits' defaults are far above what it does).
            o.RateLimits.Enabled = true;
        });
        await using var room = await Room.CreateAsync(server, "deploys");
        var (ann, bea, workspace, channel, annEphemeral, beaEphemeral) = room;
        await ann.RegisterUrlCommandAsync(workspace.Id, "deploy", "Deploys, and says how it went", new Uri(receiver.Url("empty")));

        // The receiver answers at once with nothing, then later through the request's response_url (no token).
        var invocation = await bea.InvokeCommandAsync(workspace.Id, channel.Id, "deploy", "api");
        Assert.Null(invocation.Reply);
        var request = JsonSerializer.Deserialize(Assert.Single(receiver.Received("empty")).Body, TanagerJsonContext.Default.CommandRequestDto)!;
        Assert.Equal(new Uri(server.Url, $"api/v1/workspaces/{workspace.Id}/commands/responses/{invocation.Id}").AbsoluteUri, request.ResponseUrl);
        using var anonymous = new HttpClient();
        async Task<HttpResponseMessage> AnswerAsync(string url, string json) =>
            await anonymous.PostAsync(new Uri(url), new StringContent(json, Encoding.UTF8, "application/json"));

        using (var started = await AnswerAsync(request.ResponseUrl!, """{"text":"Deploying api…"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, started.StatusCode);
            var reply = (await started.Content.ReadFromJsonAsync(TanagerJsonContext.Default.CommandReplyDto))!;
            Assert.True(reply.Ephemeral);
            Assert.Equal(("Deploying api…", bea.User!.Id, "deploy"), (reply.EphemeralMessage!.Content, reply.EphemeralMessage.UserId, reply.EphemeralMessage.Command));
        }
        Assert.True(await Eventually.Until(() => !beaEphemeral.IsEmpty), "Bea did not receive the later ephemeral answer.");
        using (var done = await AnswerAsync(request.ResponseUrl!, """{"text":"api is **live**","visibility":"channel"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        }
        var posted = Assert.Single((await ann.GetMessagesAsync(workspace.Id, channel.Id)).Messages);
        Assert.Equal(("api is **live**", bea.User.Id), (posted.Content, posted.AuthorId));
        Assert.Empty(annEphemeral);

        // An altered id, another workspace's path, a bad visibility, and an empty text are refused, and post nothing.
        var altered = request.ResponseUrl![..^2] + (request.ResponseUrl[^2] == 'A' ? "B" : "A") + request.ResponseUrl[^1];
        await AssertProblemAsync(await AnswerAsync(altered, """{"text":"forged"}"""), HttpStatusCode.NotFound, ErrorCodes.UnknownInvocation);
        var other = await ann.CreateWorkspaceAsync("Other");
        await AssertProblemAsync(await AnswerAsync(request.ResponseUrl.Replace(workspace.Id, other.Id, StringComparison.Ordinal), """{"text":"forged"}"""),
            HttpStatusCode.NotFound, ErrorCodes.UnknownInvocation);
        await AssertProblemAsync(await AnswerAsync(request.ResponseUrl, """{"text":"x","visibility":"everyone"}"""), HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest);
        await AssertProblemAsync(await AnswerAsync(request.ResponseUrl, """{"text":""}"""), HttpStatusCode.BadRequest, ErrorCodes.InvalidRequest);
        Assert.Single((await ann.GetMessagesAsync(workspace.Id, channel.Id)).Messages);

        // Five answers per invocation at once (two answered, and three refusals of this same id): the next waits.
        using var throttled = await AnswerAsync(request.ResponseUrl, """{"text":"one too many"}""");
        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.NotNull(throttled.Headers.RetryAfter);

        // Once the command is deleted, its invocations' response URLs are void.
        var second = await bea.InvokeCommandAsync(workspace.Id, channel.Id, "deploy", "web");
        var secondUrl = JsonSerializer.Deserialize(receiver.Received("empty")[1].Body, TanagerJsonContext.Default.CommandRequestDto)!.ResponseUrl!;
        await ann.DeleteCommandAsync(workspace.Id, "deploy");
        await AssertProblemAsync(await AnswerAsync(secondUrl, """{"text":"too late"}"""), HttpStatusCode.NotFound, ErrorCodes.UnknownInvocation);
        Assert.NotNull(second);
    }

    /// <summary>Ann's workspace and channel with Bea in both, both connected, and the ephemeral messages each receives.</summary>
    private sealed record Room(TanagerClient Ann, TanagerClient Bea, WorkspaceDto Workspace, ChannelDto Channel,
        ConcurrentQueue<EphemeralMessageDto> AnnEphemeral, ConcurrentQueue<EphemeralMessageDto> BeaEphemeral) : IAsyncDisposable
    {
        public static async Task<Room> CreateAsync(TestServer server, string channelName)
        {
            var ann = await server.NewUserAsync("Ann");
            var bea = await server.NewUserAsync("Bea");
            var workspace = await ann.CreateWorkspaceAsync("Acme");
            await ann.AddWorkspaceMemberByIdAsync(workspace.Id, bea.User!.Id);
            var channel = await ann.CreateChannelAsync(workspace.Id, channelName);
            await bea.JoinChannelAsync(workspace.Id, channel.Id);
            var room = new Room(ann, bea, workspace, channel, new(), new());
            ann.Gateway.EphemeralMessageReceived += m => { room.AnnEphemeral.Enqueue(m); return Task.CompletedTask; };
            bea.Gateway.EphemeralMessageReceived += m => { room.BeaEphemeral.Enqueue(m); return Task.CompletedTask; };
            await bea.Gateway.ConnectAsync().Within();
            await ann.Gateway.ConnectAsync().Within();
            return room;
        }

        public async ValueTask DisposeAsync()
        {
            await Ann.DisposeAsync();
            await Bea.DisposeAsync();
        }
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
            Assert.Equal(code, JsonDocument.Parse(text).RootElement.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task A_URL_that_is_slow_fails_or_answers_junk_gives_command_failed_and_nothing_is_posted()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var server = await StartAsync(TestStorage.InMemory);
        await using var ann = await server.NewUserAsync("Ann");
        var workspace = await ann.CreateWorkspaceAsync("Acme");
        var channel = await ann.CreateChannelAsync(workspace.Id, "ops");
        string[] broken = ["slow", "fail", "junk", "visibility", "toolong"];
        foreach (var path in broken)
        {
            await ann.RegisterUrlCommandAsync(workspace.Id, path, "Broken: " + path, new Uri(receiver.Url(path)));
        }

        foreach (var path in broken)
        {
            var refused = await Assert.ThrowsAsync<TanagerApiException>(() => ann.InvokeCommandAsync(workspace.Id, channel.Id, path, "now"));
            Assert.True((refused.Status, refused.Code) == (502, ErrorCodes.CommandFailed), $"/{path}: expected 502 command_failed, got {refused.Status} {refused.Code}: {refused.Message}");
        }
        // The problem JSON says what went wrong, for the member and their client.
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ann.Token);
        using var response = await http.PostAsJsonAsync(new Uri(server.Url, $"api/v1/workspaces/{workspace.Id}/channels/{channel.Id}/commands"),
            new InvokeCommandRequest { Command = "fail" }, TanagerJsonContext.Default.InvokeCommandRequest);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(ErrorCodes.CommandFailed, problem.GetProperty("code").GetString());
        Assert.Contains("HTTP 500", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Every receiver was asked (the slow one too), and nothing reached the channel.
        Assert.All(broken, path => Assert.NotEmpty(receiver.Received(path)));
        Assert.Empty((await ann.GetMessagesAsync(workspace.Id, channel.Id)).Messages);
    }

    [Fact]
    public async Task Where_a_command_may_point_and_who_may_route_invoke_and_delete_it_are_checked()
    {
        // No AllowPrivateAddresses here: the production rules.
        await using var server = await TestServer.StartAsync();
        await using var ann = await server.NewUserAsync("Ann");
        await using var max = await server.NewUserAsync("Max");
        await using var gus = await server.NewUserAsync("Gus");
        var workspace = await ann.CreateWorkspaceAsync("Acme");
        await ann.AddWorkspaceMemberByIdAsync(workspace.Id, max.User!.Id);
        await ann.AddWorkspaceMemberByIdAsync(workspace.Id, gus.User!.Id, "guest");
        var channel = await ann.CreateChannelAsync(workspace.Id, "ops");
        await ann.AddChannelMemberAsync(workspace.Id, channel.Id, gus.User.Id);
        var bot = await ann.CreateBotAsync(workspace.Id, "Ops", [Scope.MessagesRead, Scope.MessagesWrite, Scope.CommandsWrite]);

        // Loopback, private and plain-http URLs are refused with a 400 problem, before anything is stored.
        foreach (var url in (string[])["https://127.0.0.1/hook", "https://10.1.2.3/hook", "https://localhost/hook", "https://[::1]/hook", "http://hooks.example.com/hook"])
        {
            using var http = new HttpClient();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ann.Token);
            using var response = await http.PutAsJsonAsync(new Uri(server.Url, $"api/v1/workspaces/{workspace.Id}/commands/hook"),
                new RegisterCommandRequest { Description = "A hook", Url = url }, TanagerJsonContext.Default.RegisterCommandRequest);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(ErrorCodes.InvalidRequest, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        }
        Assert.Empty(await ann.ListCommandsAsync(workspace.Id));
        await AssertRefusedAsync(400, ErrorCodes.InvalidRequest, () => ann.RegisterUrlCommandAsync(workspace.Id, "hook", "A hook", new Uri("ftp://hooks.example.com/hook")));

        // A bot or a URL, not both; a member or a guest routes nothing; an owner or admin may.
        var both = new RegisterCommandRequest { Description = "Both", BotId = bot.User.Id, Url = "https://hooks.example.com/both" };
        using (var http = new HttpClient())
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ann.Token);
            using var response = await http.PutAsJsonAsync(new Uri(server.Url, $"api/v1/workspaces/{workspace.Id}/commands/both"), both, TanagerJsonContext.Default.RegisterCommandRequest);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        var hooks = new Uri("https://hooks.example.com/tanager");
        await AssertRefusedAsync(403, ErrorCodes.Forbidden, () => max.RegisterUrlCommandAsync(workspace.Id, "hook", "A member's", hooks));
        await AssertRefusedAsync(403, ErrorCodes.Forbidden, () => gus.RegisterUrlCommandAsync(workspace.Id, "hook", "A guest's", hooks));
        var hook = await ann.RegisterUrlCommandAsync(workspace.Id, "hook", "The owner's", hooks);
        Assert.Equal(hooks.AbsoluteUri, hook.Url);

        // A name answered by a bot is not the URL's, and the other way round.
        await ann.RegisterCommandAsync(workspace.Id, "deploy", "Deploy", botId: bot.User.Id);
        await AssertRefusedAsync(409, ErrorCodes.CommandTaken, () => ann.RegisterUrlCommandAsync(workspace.Id, "deploy", "Deploy by URL", hooks));
        await AssertRefusedAsync(409, ErrorCodes.CommandTaken, () => ann.RegisterCommandAsync(workspace.Id, "hook", "Hook by bot", botId: bot.User.Id));

        // Invoking is as for a bot's command: a guest may not. (hooks.example.com is not reached in this test: refused first.)
        await AssertRefusedAsync(403, ErrorCodes.Forbidden, () => gus.InvokeCommandAsync(workspace.Id, channel.Id, "hook"));

        // Deleting: not by a member; by an owner or admin.
        await AssertRefusedAsync(403, ErrorCodes.Forbidden, () => max.DeleteCommandAsync(workspace.Id, "hook"));
        await ann.ChangeWorkspaceRoleAsync(workspace.Id, max.User.Id, "admin");
        await max.DeleteCommandAsync(workspace.Id, "hook");
        Assert.Equal(["deploy"], (await ann.ListCommandsAsync(workspace.Id)).Select(c => c.Name));

        // Where members' text goes is audited, with the URL and never the secret.
        var audit = await server.Services.GetRequiredService<IAuditStore>().ListAuditEventsAsync(null, 200);
        var set = Assert.Single(audit, e => e.Kind == AuditEventKinds.CommandUrlSet);
        var deleted = Assert.Single(audit, e => e.Kind == AuditEventKinds.CommandUrlDeleted);
        Assert.Equal((ann.User!.Id, max.User.Id), (set.ActorId?.ToString(), deleted.ActorId?.ToString()));
        Assert.All([set, deleted], e => Assert.Contains(hooks.AbsoluteUri, e.Detail, StringComparison.Ordinal));
        Assert.DoesNotContain(audit, e => e.Detail?.Contains(hook.Secret!, StringComparison.Ordinal) == true);
    }

    private static Task<TestServer> StartAsync(TestStorage storage) => TestServer.StartAsync(storage, o =>
    {
        // The receiver listens on loopback, which production refuses (tested above).
        o.OutgoingWebhooks.AllowPrivateAddresses = true;
        o.OutgoingWebhooks.CommandTimeout = CommandTimeout;
    });

    /// <summary>Checks a request as docs/integrations.md tells a receiver to: HMAC-SHA256 of "t.body" with the secret, and a recent t.</summary>
    private static bool Verifies(string secret, Receiver.Request request)
    {
        var parts = request.Signature.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var timestamp = long.Parse(parts["t"], CultureInfo.InvariantCulture);
        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp) > 300)
        {
            return false;
        }
        byte[] message = [.. Encoding.ASCII.GetBytes(parts["t"] + "."), .. request.Body];
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
        return CryptographicOperations.FixedTimeEquals(mac, Convert.FromHexString(parts["v1"]))
            && WebhookSignature.Verify(secret, request.Signature, request.Body, DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance);
    }

    private static async Task AssertRefusedAsync(int status, string code, Func<Task> call)
    {
        var refused = await Assert.ThrowsAsync<TanagerApiException>(call);
        Assert.True(refused.Status == status && refused.Code == code, $"Expected {status} {code}, got {refused.Status} {refused.Code}: {refused.Message}");
    }

    /// <summary>
    /// A command's receiver, one behaviour per path: <c>channel</c> and <c>ephemeral</c> answer a reply, <c>empty</c>
    /// answers 200 with no body, <c>slow</c> answers after 4 command timeouts, <c>fail</c> 500, <c>junk</c> text that is
    /// not JSON, <c>visibility</c> an unknown visibility, <c>toolong</c> a text over a message's 4,000 characters.
    /// </summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly Uri _base;
        private readonly ConcurrentDictionary<string, ConcurrentQueue<Request>> _received = new();

        public sealed record Request(byte[] Body, string Signature, string Command);

        private Receiver(WebApplication app, Uri url)
        {
            _app = app;
            _base = url;
        }

        public string Url(string path) => new Uri(_base, path).ToString();

        public IReadOnlyList<Request> Received(string path) => [.. _received.GetOrAdd(path, _ => new())];

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            Receiver? receiver = null;
            app.MapPost("/{path}", async (string path, HttpContext context) =>
            {
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer);
                receiver!._received.GetOrAdd(path, _ => new()).Enqueue(new Request(buffer.ToArray(),
                    context.Request.Headers["Tanager-Signature"].ToString(), context.Request.Headers["Tanager-Command"].ToString()));
                var text = JsonDocument.Parse(buffer.ToArray()).RootElement.GetProperty("text").GetString();
                switch (path)
                {
                    case "channel":
                        return Results.Text($$"""{"text":"Sunny in {{text}}","visibility":"channel"}""", "application/json");
                    case "ephemeral":
                        return Results.Text($$"""{"text":"Rain all week in {{text}}"}""", "application/json");
                    case "empty":
                        return Results.Ok();
                    case "slow":
                        await Task.Delay(CommandTimeout * 4);
                        return Results.Text("""{"text":"Too late","visibility":"channel"}""", "application/json");
                    case "junk":
                        return Results.Text("Sunny, I think", "text/plain");
                    case "visibility":
                        return Results.Text("""{"text":"Everyone!","visibility":"everyone"}""", "application/json");
                    case "toolong":
                        return Results.Text($$"""{"text":"{{new string('a', 4001)}}","visibility":"channel"}""", "application/json");
                    default:
                        return Results.StatusCode(500);
                }
            });
            await app.StartAsync();
            receiver = new Receiver(app, app.BaseUrl());
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
