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

/// <summary>The two workspaces the isolation tests attack, and the feeds that watch what reaches Alice.</summary>
public sealed partial class IsolationTests
{
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
        /// <summary>Bob's browser's push subscription; its endpoint names the secret word.</summary>
        public required string BPushSubscription { get; init; }
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
            ["pushSubscriptionId"] = "unused",
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
            var bPushSubscription = await bob.SubscribeWebPushAsync(PushSubscription($"https://push.example.test/{Secret}"));
            await alice.SubscribeWebPushAsync(PushSubscription("https://push.example.test/alice"));

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
                BPushSubscription = bPushSubscription.Id,
            };
        }

        /// <summary>A browser's push subscription with real keys (the server checks the key is a P-256 point).</summary>
        private static Protocol.WebPushSubscribeRequest PushSubscription(string endpoint)
        {
            using var key = System.Security.Cryptography.ECDiffieHellman.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            var q = key.ExportParameters(false).Q;
            return new Protocol.WebPushSubscribeRequest
            {
                Endpoint = endpoint,
                Keys = new Protocol.WebPushKeysDto
                {
                    P256dh = System.Buffers.Text.Base64Url.EncodeToString([0x04, .. q.X!, .. q.Y!]),
                    Auth = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
                },
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
            BBot, BBotToken, BobSession, BAttachment, BWebhook, BSubscription, BPushSubscription,
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
                    // Bob's push subscription: a person's, foreign in every scenario.
                    ["pushSubscriptionId"] = BPushSubscription,
                }, new HashSet<string>(foreign.Contains("channelId") && channel != General
                    ? [.. foreign, "attachmentId", "webhookId", "subscriptionId", "pushSubscriptionId"] : [.. foreign, "subscriptionId", "pushSubscriptionId"], StringComparer.Ordinal));

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
