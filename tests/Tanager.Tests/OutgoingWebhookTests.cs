using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Server;
using NUlid;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// Issue 14, done-when 2: outgoing webhooks. A real receiver (Kestrel on loopback) gets every event once, in order per
/// channel, signed, across retries and a restart of the server on the same SQLite database; a receiver that always
/// fails gets dead letters, which replay once it is fixed.
/// </summary>
public sealed class OutgoingWebhookTests
{
    private const int MessagesPerChannel = 100;
    private const int BrokenMessages = 5;

    [Fact]
    public async Task Every_message_reaches_the_receiver_once_in_order_signed_across_retries_and_a_restart_and_dead_letters_replay()
    {
        await using var receiver = await Receiver.StartAsync(failFirst: 3);
        var settings = await TestServer.SettingsForAsync(TestStorage.Sqlite);
        var server = await StartAsync(settings);
        string token, ownerId, workspaceId, channelA, channelB, channelC, okSecret, brokenSecret, brokenId;
        await using (var owner = await server.NewUserAsync("Owner"))
        {
            token = owner.Token!;
            ownerId = owner.User!.Id;
            var workspace = await owner.CreateWorkspaceAsync("Acme");
            workspaceId = workspace.Id;
            channelA = (await owner.CreateChannelAsync(workspaceId, "alpha")).Id;
            channelB = (await owner.CreateChannelAsync(workspaceId, "beta")).Id;
            channelC = (await owner.CreateChannelAsync(workspaceId, "gamma")).Id;
        }
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // Every channel the owner sees, to the receiver that fails its first 3 requests; channel C alone to the broken one.
        var ok = await CreateAsync(http, server, workspaceId, new() { Url = receiver.Url("ok"), Events = ["MESSAGE_CREATE"], ChannelIds = [channelA, channelB] });
        okSecret = ok.Secret!;
        var broken = await CreateAsync(http, server, workspaceId, new() { Url = receiver.Url("broken"), Events = ["MESSAGE_CREATE"], ChannelIds = [channelC] });
        brokenSecret = broken.Secret!;
        brokenId = broken.Id;
        Assert.StartsWith("tgh_", okSecret, StringComparison.Ordinal);
        // Listed without the secret.
        var listed = await http.GetFromJsonAsync(new Uri(server.Url, $"api/v1/workspaces/{workspaceId}/subscriptions"), TanagerJsonContext.Default.IReadOnlyListEventSubscriptionDto);
        Assert.Equal([ok.Id, broken.Id], listed!.Select(s => s.Id));
        Assert.All(listed!, s => Assert.Null(s.Secret));

        var sent = new List<(string Channel, string Content)>();
        for (var i = 0; i < MessagesPerChannel; i++)
        {
            if (i == MessagesPerChannel / 2)
            {
                // Mid-run: stop the server and start it again on the same database. The receiver takes 20 ms per
                // request, so deliveries are still queued at the stop: only the store can carry them over.
                await server.DisposeAsync();
                Assert.True(await QueuedAsync(settings) > 0, "nothing was queued at the stop: the restart proves nothing");
                // What a node that died between a send's commit and its queueing leaves: a message in the store and
                // no delivery for it. The restarted server finds it after the subscription's cursor and queues it.
                var orphan = $"committed, never queued, in {channelA}";
                await new Tanager.Storage.Sqlite.SqliteStore(settings.SqlitePath!).AppendAsync([new NewMessage(Ulid.Parse(workspaceId), Ulid.Parse(channelA),
                    Ulid.NewUlid(), Ulid.Parse(ownerId), orphan, null, DateTimeOffset.UtcNow)]);
                sent.Add((channelA, orphan));
                server = await StartAsync(settings);
                // Found at start-up, not by the channel's next message: nothing is posted until it arrives.
                Assert.True(await Eventually.Until(() => receiver.Received("ok").Any(r => Encoding.UTF8.GetString(r.Body).Contains(orphan, StringComparison.Ordinal)), seconds: 60),
                    "the message committed and never queued was not delivered after the restart");
            }
            foreach (var channel in new[] { channelA, channelB })
            {
                var content = $"message {i:D3} in {channel}";
                await PostAsync(http, server, workspaceId, channel, content);
                sent.Add((channel, content));
            }
            if (i < BrokenMessages)
            {
                await PostAsync(http, server, workspaceId, channelC, $"broken {i}");
            }
        }

        try
        {
            Assert.True(await Eventually.Until(() => receiver.Received("ok").Count >= sent.Count, seconds: 60), $"{receiver.Received("ok").Count} of {sent.Count} delivered");
            // The broken receiver's deliveries all become dead letters (it answered every attempt with 500).
            Assert.True(await Eventually.UntilAsync(async () => (await DeadLettersAsync(http, server, workspaceId, brokenId)).Count == BrokenMessages, seconds: 60));
            // Nothing more arrives: a later event for the same receiver is proof the queue before it is drained.
            await PostAsync(http, server, workspaceId, channelA, "last");
            sent.Add((channelA, "last"));
            Assert.True(await Eventually.Until(() => receiver.Received("ok").Count >= sent.Count, seconds: 30));

            var delivered = receiver.Received("ok");
            // Exactly once: as many deliveries as messages, each message's content once (no dedupe).
            Assert.Equal(sent.Count, delivered.Count);
            var events = delivered.Select(d => (Request: d, Json: JsonDocument.Parse(d.Body).RootElement)).ToList();
            Assert.Equal(sent.Select(s => s.Content).Order(StringComparer.Ordinal), events.Select(e => e.Json.GetProperty("data").GetProperty("content").GetString()!).Order(StringComparer.Ordinal));
            Assert.Equal(events.Count, events.Select(e => e.Json.GetProperty("id").GetString()).Distinct().Count());
            foreach (var channel in new[] { channelA, channelB })
            {
                // In order per channel: the receiver saw the channel's messages in the order they were posted.
                var expected = sent.Where(s => s.Channel == channel).Select(s => s.Content);
                var actual = events.Where(e => e.Json.GetProperty("data").GetProperty("channel_id").GetString() == channel)
                    .Select(e => e.Json.GetProperty("data").GetProperty("content").GetString());
                Assert.Equal(expected, actual);
            }
            foreach (var (request, json) in events)
            {
                Assert.True(Verifies(okSecret, request), $"signature {request.Signature} does not verify");
                Assert.Equal("MESSAGE_CREATE", json.GetProperty("type").GetString());
                Assert.Equal(request.Delivery, json.GetProperty("id").GetString());
                Assert.Equal(workspaceId, json.GetProperty("workspace_id").GetString());
            }
            // A wrong secret does not verify.
            Assert.False(Verifies(brokenSecret, events[0].Request));
            Assert.Empty(receiver.Received("broken"));

            // The dead letters, oldest first, say why; once the receiver works, a replay delivers them, in order.
            var dead = await DeadLettersAsync(http, server, workspaceId, brokenId);
            Assert.All(dead, d => Assert.Equal(("HTTP 500", 4), (d.LastError, d.Attempts)));
            Assert.Equal(Enumerable.Range(0, BrokenMessages).Select(i => $"broken {i}"), dead.Select(d => d.Body.GetProperty("data").GetProperty("content").GetString()));
            receiver.Fix("broken");
            var replay = await http.PostAsJsonAsync(new Uri(server.Url, $"api/v1/workspaces/{workspaceId}/subscriptions/{brokenId}/dead-letters/replay"),
                new ReplayDeadLettersRequest(), TanagerJsonContext.Default.ReplayDeadLettersRequest);
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            Assert.Equal(BrokenMessages, (await replay.Content.ReadFromJsonAsync(TanagerJsonContext.Default.ReplayDeadLettersResponse))!.Replayed);
            Assert.True(await Eventually.Until(() => receiver.Received("broken").Count >= BrokenMessages, seconds: 30));
            var replayed = receiver.Received("broken");
            Assert.Equal(dead.Select(d => d.Id), replayed.Select(r => r.Delivery));
            Assert.All(replayed, r => Assert.True(Verifies(brokenSecret, r)));
            Assert.Empty(await DeadLettersAsync(http, server, workspaceId, brokenId));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_bot_subscribes_itself_to_its_mentions_with_Tanager_Client_and_manages_only_its_own_subscriptions()
    {
        await using var receiver = await Receiver.StartAsync(failFirst: 0);
        await using var server = await StartAsync(TestServer.InMemorySettings());
        await using var owner = await server.NewUserAsync("Owner");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var channel = await owner.CreateChannelAsync(workspace.Id, "ops");
        var created = await owner.CreateBotAsync(workspace.Id, "Watcher", [Scope.SubscriptionsWrite]);
        await using var bot = await TanagerClient.FromTokenAsync(server.Url, created.Token!.Token!);

        var mine = await bot.CreateSubscriptionAsync(workspace.Id, receiver.Url("ok"), ["MESSAGE_MENTION"]);
        Assert.StartsWith(EventSubscriptionService.SecretPrefix, mine.Secret, StringComparison.Ordinal);
        var admins = await owner.CreateSubscriptionAsync(workspace.Id, receiver.Url("broken"), ["WORKSPACE_MEMBER_ADD"]);
        // A bot sees and manages its own; the owner all of them.
        Assert.Equal([mine.Id], (await bot.ListSubscriptionsAsync(workspace.Id)).Select(s => s.Id));
        // Listed by id; two made in the same millisecond have random ids, so not necessarily in the order they were made.
        Assert.Equal(new[] { mine.Id, admins.Id }.Order(StringComparer.Ordinal), (await owner.ListSubscriptionsAsync(workspace.Id)).Select(s => s.Id));
        var refused = await Assert.ThrowsAsync<TanagerApiException>(() => bot.DeleteSubscriptionAsync(workspace.Id, admins.Id));
        Assert.Equal(404, refused.Status);

        await owner.PostMessageAsync(workspace.Id, channel.Id, "no mention here");
        await owner.PostMessageAsync(workspace.Id, channel.Id, $"{Mentions.Of(Ulid.Parse(created.User.Id))} the deploy is done");
        Assert.True(await Eventually.Until(() => receiver.Received("ok").Count >= 1, seconds: 30));
        await owner.PostMessageAsync(workspace.Id, channel.Id, $"{Mentions.Of(Ulid.Parse(created.User.Id))} and the second");
        Assert.True(await Eventually.Until(() => receiver.Received("ok").Count >= 2, seconds: 30));
        var bodies = receiver.Received("ok").Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.All(bodies, b => Assert.Equal("MESSAGE_MENTION", b.GetProperty("type").GetString()));
        Assert.Equal(["the deploy is done", "and the second"], bodies.Select(b => b.GetProperty("data").GetProperty("content").GetString()!.Split("> ")[1]));
        Assert.All(receiver.Received("ok"), r => Assert.True(Verifies(mine.Secret!, r)));

        Assert.Empty(await bot.ListDeadLettersAsync(workspace.Id, mine.Id, limit: 10));
        Assert.Equal(0, await bot.ReplayDeadLettersAsync(workspace.Id, mine.Id));
        await bot.DeleteSubscriptionAsync(workspace.Id, mine.Id);
        Assert.Empty(await bot.ListSubscriptionsAsync(workspace.Id));
        Assert.Equal([admins.Id], (await owner.ListSubscriptionsAsync(workspace.Id)).Select(s => s.Id));
    }

    private static Task<TestServer> StartAsync(ServerSettings settings) => TestServer.StartAsync(settings, o =>
    {
        o.OutgoingWebhooks.AllowPrivateAddresses = true;
        // Short enough that 4 attempts take well under a second.
        o.OutgoingWebhooks.MaxAttempts = 4;
        o.OutgoingWebhooks.InitialRetryDelay = TimeSpan.FromMilliseconds(10);
        o.OutgoingWebhooks.MaxRetryDelay = TimeSpan.FromMilliseconds(50);
        o.OutgoingWebhooks.PollInterval = TimeSpan.FromMilliseconds(20);
    });

    /// <summary>Checks a delivery as docs/integrations.md tells a receiver to: HMAC-SHA256 of "t.body" with the secret, and a recent t.</summary>
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

    private static async Task<EventSubscriptionDto> CreateAsync(HttpClient http, TestServer server, string workspaceId, CreateSubscriptionRequest request)
    {
        var response = await http.PostAsJsonAsync(new Uri(server.Url, $"api/v1/workspaces/{workspaceId}/subscriptions"), request, TanagerJsonContext.Default.CreateSubscriptionRequest);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(TanagerJsonContext.Default.EventSubscriptionDto))!;
    }

    private static async Task PostAsync(HttpClient http, TestServer server, string workspaceId, string channelId, string content)
    {
        var response = await http.PostAsJsonAsync(new Uri(server.Url, $"api/v1/workspaces/{workspaceId}/channels/{channelId}/messages"),
            new PostMessageRequest { Content = content }, TanagerJsonContext.Default.PostMessageRequest);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>Deliveries queued (not dead) in the stopped server's SQLite database, read straight from the file.</summary>
    private static async Task<long> QueuedAsync(ServerSettings settings)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={settings.SqlitePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM event_deliveries WHERE dead_at IS NULL";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<IReadOnlyList<DeadLetterDto>> DeadLettersAsync(HttpClient http, TestServer server, string workspaceId, string subscriptionId) =>
        (await http.GetFromJsonAsync(new Uri(server.Url, $"api/v1/workspaces/{workspaceId}/subscriptions/{subscriptionId}/dead-letters?limit=200"),
            TanagerJsonContext.Default.IReadOnlyListDeadLetterDto))!;

    /// <summary>A webhook receiver: <c>/ok</c> answers 503 to its first requests, then 200; <c>/broken</c> 500 until fixed.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly Uri _base;
        private readonly ConcurrentDictionary<string, ConcurrentQueue<Request>> _received = new();
        private readonly ConcurrentDictionary<string, bool> _fixed = new();
        private int _failuresLeft;

        public sealed record Request(byte[] Body, string Signature, string Delivery);

        private Receiver(WebApplication app, Uri url, int failFirst)
        {
            _app = app;
            _base = url;
            _failuresLeft = failFirst;
        }

        public string Url(string path) => new Uri(_base, path).ToString();

        public IReadOnlyList<Request> Received(string path) => [.. _received.GetOrAdd(path, _ => new())];

        public void Fix(string path) => _fixed[path] = true;

        public static async Task<Receiver> StartAsync(int failFirst)
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
                if (path == "ok" && Interlocked.Decrement(ref receiver!._failuresLeft) >= 0)
                {
                    return Results.StatusCode(503);
                }
                if (path == "ok")
                {
                    // A receiver that takes its time: the queue builds up behind it.
                    await Task.Delay(20);
                }
                if (path == "broken" && !receiver!._fixed.ContainsKey(path))
                {
                    return Results.StatusCode(500);
                }
                receiver!._received.GetOrAdd(path, _ => new()).Enqueue(new Request(buffer.ToArray(),
                    context.Request.Headers["Tanager-Signature"].ToString(), context.Request.Headers["Tanager-Delivery"].ToString()));
                return Results.Ok();
            });
            await app.StartAsync();
            receiver = new Receiver(app, app.BaseUrl(), failFirst);
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
