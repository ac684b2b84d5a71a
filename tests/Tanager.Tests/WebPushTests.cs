using System.Buffers.Binary;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// Issue 14, Web Push: a push service (RFC 8030) run by the test on loopback receives what the server pushes, and the
/// test plays the browser: it made the subscription's keys, so it decrypts each message as RFC 8291 says and checks the
/// VAPID signature (RFC 8292) against the key the server publishes. Nothing here trusts the library that sends.
/// </summary>
public sealed partial class WebPushTests
{
    private const string Subject = "mailto:ops@tanager.test";

    private static Task<TestServer> StartAsync(TestStorage storage = TestStorage.InMemory, TimeSpan? delay = null, bool allowPrivate = true) =>
        TestServer.StartAsync(storage, o =>
        {
            o.WebPush.Subject = Subject;
            o.WebPush.Delay = delay ?? TimeSpan.FromSeconds(1);
            o.WebPush.PollInterval = TimeSpan.FromMilliseconds(200);
            o.WebPush.AllowPrivateAddresses = allowPrivate;
            o.WebPush.MaxSubscriptionsPerUser = 3;
        });

    private static string Mention(TanagerClient user) => $"<@{user.User!.Id}>";

    private static string Marker() => "m" + Guid.NewGuid().ToString("N")[..12];

    [Theory]
    [InlineData(TestStorage.InMemory)]
    [InlineData(TestStorage.Sqlite)]
    public async Task A_mention_of_an_offline_user_is_pushed_encrypted_and_signed_to_each_browser_they_subscribed(TestStorage storage)
    {
        await using var service = await PushService.StartAsync();
        await using var server = await StartAsync(storage);
        var room = await ChatRoom.CreateAsync(server, 1);
        var bob = room.Members[0];
        var (laptop, phone) = (new Browser(service.Endpoint("laptop")), new Browser(service.Endpoint("phone")));
        var saved = await bob.SubscribeWebPushAsync(laptop.Subscription);
        await bob.SubscribeWebPushAsync(phone.Subscription);
        Assert.Equal(laptop.Subscription.Endpoint, saved.Endpoint);
        var serverKey = await bob.GetWebPushKeyAsync();

        var marker = Marker();
        var message = await room.PostAsync($"{Mention(bob)} could you **review** the plan {marker}?");

        foreach (var browser in (Browser[])[laptop, phone])
        {
            var push = await service.WaitForAsync(browser.Name);
            using var payload = JsonDocument.Parse(browser.Decrypt(push.Body));
            var root = payload.RootElement;
            Assert.Equal("message", root.GetProperty("type").GetString());
            Assert.Equal("Owner · #general", root.GetProperty("title").GetString());
            Assert.Equal($"@{bob.User!.DisplayName} could you review the plan {marker}?", root.GetProperty("body").GetString());
            Assert.Equal(room.Workspace.Id, root.GetProperty("workspace_id").GetString());
            Assert.Equal(room.Channel.Id, root.GetProperty("channel_id").GetString());
            Assert.Equal(message.Id, root.GetProperty("message_id").GetString());
            Assert.Equal(1, root.GetProperty("count").GetInt32());
            Assert.Equal("aes128gcm", push.ContentEncoding);
            Assert.Equal(room.Channel.Id, push.Topic);
            Assert.Equal("86400", push.Ttl);
            VerifyVapid(push.Authorization, serverKey, $"http://127.0.0.1");
        }

        // A later mention is pushed in a later round: by then the first would have come again if it ever did.
        await room.PostAsync($"{Mention(bob)} one more {Marker()}");
        await service.WaitForAsync(laptop.Name, count: 2);
        Assert.Equal(2, service.Received(laptop.Name).Count);
    }

    [Fact]
    public async Task A_message_read_in_time_is_not_pushed_a_direct_message_is_and_a_gone_browser_is_forgotten()
    {
        await using var service = await PushService.StartAsync();
        // Long enough that marking the channel read, one REST call, surely comes first.
        await using var server = await StartAsync(delay: TimeSpan.FromSeconds(3));
        var room = await ChatRoom.CreateAsync(server, 1);
        var bob = room.Members[0];
        var browser = new Browser(service.Endpoint("bob"));
        var gone = new Browser(service.Endpoint("gone"));
        await bob.SubscribeWebPushAsync(browser.Subscription);
        var goneId = (await bob.SubscribeWebPushAsync(gone.Subscription)).Id;

        var read = await room.PostAsync($"{Mention(bob)} read this one in the app {Marker()}");
        await bob.MarkReadAsync(room.Workspace.Id, room.Channel.Id, read.Sequence);
        var dm = await room.Owner.OpenDirectMessageAsync(room.Workspace.Id, bob.User!.Id);
        var direct = Marker();
        await room.Owner.PostMessageAsync(room.Workspace.Id, dm.Id, $"just between us {direct}");

        var push = await service.WaitForAsync(browser.Name);
        using var payload = JsonDocument.Parse(browser.Decrypt(push.Body));
        // Only the direct message: the mention was read before its delay ended.
        Assert.Equal($"just between us {direct}", payload.RootElement.GetProperty("body").GetString());
        Assert.Equal("Owner", payload.RootElement.GetProperty("title").GetString());
        Assert.Equal(1, payload.RootElement.GetProperty("count").GetInt32());
        // The push service said 410 Gone to the other browser, so the server forgot it.
        Assert.True(await Eventually.UntilAsync(async () => (await bob.ListWebPushSubscriptionsAsync()).All(s => s.Id != goneId)),
            "A subscription the push service calls gone should be deleted.");
        Assert.Single(await bob.ListWebPushSubscriptionsAsync());
        Assert.Single(service.Received(browser.Name));
    }

    [Fact]
    public async Task Subscriptions_are_validated_owned_replaced_by_endpoint_and_capped()
    {
        await using var server = await StartAsync(allowPrivate: false);
        var room = await ChatRoom.CreateAsync(server, 1);
        var (owner, bob) = (room.Owner, room.Members[0]);
        var valid = new Browser("https://push.example.com/send/a");

        async Task AssertInvalidAsync(WebPushSubscribeRequest request, string expected)
        {
            var error = await Assert.ThrowsAsync<TanagerApiException>(() => bob.SubscribeWebPushAsync(request));
            Assert.Equal((400, ErrorCodes.InvalidRequest), (error.Status, error.Code));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
        await AssertInvalidAsync(valid.Subscription with { Endpoint = "http://push.example.com/send/a" }, "url must be an absolute https URL");
        await AssertInvalidAsync(valid.Subscription with { Endpoint = "https://127.0.0.1/push" }, "must not point at a loopback");
        await AssertInvalidAsync(valid.Subscription with { Endpoint = null }, "url must be");
        await AssertInvalidAsync(valid.Subscription with { Keys = null }, "keys.p256dh");
        await AssertInvalidAsync(valid.Subscription with { Keys = valid.Subscription.Keys! with { P256dh = "AAAA" } }, "keys.p256dh must be a P-256 public key");
        var offCurve = new byte[65];
        offCurve[0] = 4;
        offCurve[64] = 1;
        await AssertInvalidAsync(valid.Subscription with { Keys = valid.Subscription.Keys! with { P256dh = Base64Url.EncodeToString(offCurve) } }, "point on the P-256 curve");
        await AssertInvalidAsync(valid.Subscription with { Keys = valid.Subscription.Keys! with { Auth = Base64Url.EncodeToString(new byte[15]) } }, "keys.auth");

        // The same endpoint again replaces it (same id); the browser now signed in as someone else moves to them.
        var first = await bob.SubscribeWebPushAsync(valid.Subscription);
        var again = await bob.SubscribeWebPushAsync(new Browser(valid.Subscription.Endpoint!).Subscription);
        Assert.Equal(first.Id, again.Id);
        Assert.Single(await bob.ListWebPushSubscriptionsAsync());
        var moved = await owner.SubscribeWebPushAsync(valid.Subscription);
        Assert.Equal(first.Id, moved.Id);
        Assert.Empty(await bob.ListWebPushSubscriptionsAsync());

        // Nobody removes another person's subscription; the owner removes theirs.
        var notTheirs = await Assert.ThrowsAsync<TanagerApiException>(() => bob.UnsubscribeWebPushAsync(moved.Id));
        Assert.Equal((404, ErrorCodes.NotFound), (notTheirs.Status, notTheirs.Code));
        await owner.UnsubscribeWebPushAsync(moved.Id);
        Assert.Empty(await owner.ListWebPushSubscriptionsAsync());
        var bogus = await Assert.ThrowsAsync<TanagerApiException>(() => owner.UnsubscribeWebPushAsync("not-an-id"));
        Assert.Equal(404, bogus.Status);

        // At most three per person (this server's limit): a fourth browser replaces the oldest.
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add((await bob.SubscribeWebPushAsync(new Browser($"https://push.example.com/send/b{i}").Subscription)).Id);
        }
        Assert.Equal(ids[1..], (await bob.ListWebPushSubscriptionsAsync()).Select(s => s.Id));
    }

    [Fact]
    public async Task With_web_push_off_its_routes_answer_not_found_and_nothing_is_pushed()
    {
        await using var server = await TestServer.StartAsync(TestStorage.InMemory, o => o.WebPush.Enabled = false);
        var room = await ChatRoom.CreateAsync(server, 0);
        var error = await Assert.ThrowsAsync<TanagerApiException>(() => room.Owner.GetWebPushKeyAsync());
        Assert.Equal((404, ErrorCodes.NotFound), (error.Status, error.Code));
        Assert.Contains("Web Push is off", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<TanagerApiException>(() => room.Owner.SubscribeWebPushAsync(new Browser("https://push.example.com/x").Subscription));
    }

    [GeneratedRegex("<!-- web-push-example:start -->\\s*```bash\\n(?<script>.*?)```\\s*<!-- web-push-example:end -->", RegexOptions.Singleline)]
    private static partial Regex DocumentedExample();

    [Fact]
    public async Task The_documented_example_subscribes_a_browser_that_then_gets_the_push()
    {
        var doc = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "integrations.md"));
        var script = DocumentedExample().Match(doc).Groups["script"].Value;
        Assert.Contains("curl", script, StringComparison.Ordinal);
        await using var service = await PushService.StartAsync();
        await using var server = await StartAsync();
        var room = await ChatRoom.CreateAsync(server, 1);
        var bob = room.Members[0];
        var browser = new Browser(service.Endpoint("documented"));
        var keys = browser.Subscription.Keys!;
        var prelude = $"S={server.Url.ToString().TrimEnd('/')}\nTOKEN={bob.Token}\nENDPOINT={browser.Subscription.Endpoint}\nP256DH={keys.P256dh}\nAUTH={keys.Auth}\n";

        await using var bash = ChildProcess.Start("bash", ["-c", "set -e\n" + prelude + script]);
        await bash.WaitForExitAsync(60);

        Assert.True(bash.ExitCode == 0, $"exit {bash.ExitCode}\n{string.Join('\n', bash.Lines)}\n{bash.Errors}");
        var output = string.Join('\n', bash.Lines);
        Assert.Contains($"{{\"public_key\":\"{await bob.GetWebPushKeyAsync()}\"}}", output, StringComparison.Ordinal);
        var saved = Assert.Single(await bob.ListWebPushSubscriptionsAsync());
        Assert.Contains($"\"id\":\"{saved.Id}\"", output, StringComparison.Ordinal);

        var marker = Marker();
        await room.PostAsync($"{Mention(bob)} {marker}");
        using var payload = JsonDocument.Parse(browser.Decrypt((await service.WaitForAsync(browser.Name)).Body));
        Assert.Equal($"@{bob.User!.DisplayName} {marker}", payload.RootElement.GetProperty("body").GetString());
    }

    /// <summary>
    /// Checks <c>Authorization: vapid t=&lt;JWT&gt;, k=&lt;key&gt;</c>: the key is the server's published one, the JWT's
    /// ES256 signature verifies with it, its audience is the push service's scheme and host, its subject is the configured
    /// one, and it expires within 24 hours (RFC 8292 §2).
    /// </summary>
    /// <remarks>
    /// Lib.Net.Http.WebPush leaves the port out of the audience. Every real push service (FCM, Mozilla's, Apple's) is at
    /// https on 443, where the origin has no port, so only this loopback service on a random port sees the difference.
    /// </remarks>
    private static void VerifyVapid(string authorization, string serverKey, string audience)
    {
        Assert.StartsWith("vapid ", authorization, StringComparison.Ordinal);
        var parameters = authorization["vapid ".Length..].Split(',', StringSplitOptions.TrimEntries)
            .ToDictionary(p => p[..p.IndexOf('=', StringComparison.Ordinal)], p => p[(p.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        Assert.Equal(serverKey, parameters["k"]);
        var jwt = parameters["t"].Split('.');
        Assert.Equal(3, jwt.Length);
        var key = Base64Url.DecodeFromChars(serverKey);
        using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = key[1..33], Y = key[33..] } });
        Assert.True(ecdsa.VerifyData(Encoding.ASCII.GetBytes($"{jwt[0]}.{jwt[1]}"), Base64Url.DecodeFromChars(jwt[2]), HashAlgorithmName.SHA256),
            "The VAPID token's signature must verify with the server's public key.");
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(jwt[0]));
        Assert.Equal("ES256", header.RootElement.GetProperty("alg").GetString());
        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(jwt[1]));
        Assert.Equal(audience, claims.RootElement.GetProperty("aud").GetString());
        Assert.Equal(Subject, claims.RootElement.GetProperty("sub").GetString());
        var expires = DateTimeOffset.FromUnixTimeSeconds(claims.RootElement.GetProperty("exp").GetInt64());
        Assert.InRange(expires, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(24).AddMinutes(1));
    }

    /// <summary>A browser's side of a subscription: its own P-256 key pair and authentication secret, and RFC 8291 decryption.</summary>
    private sealed class Browser
    {
        private readonly ECDiffieHellman _key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        private readonly byte[] _auth = RandomNumberGenerator.GetBytes(16);
        private readonly byte[] _public;

        public Browser(string endpoint)
        {
            var q = _key.ExportParameters(false).Q;
            _public = [0x04, .. q.X!, .. q.Y!];
            Name = endpoint[(endpoint.LastIndexOf('/') + 1)..];
            Subscription = new WebPushSubscribeRequest
            {
                Endpoint = endpoint,
                Keys = new WebPushKeysDto { P256dh = Base64Url.EncodeToString(_public), Auth = Base64Url.EncodeToString(_auth) },
            };
        }

        public string Name { get; }

        public WebPushSubscribeRequest Subscription { get; }

        /// <summary>
        /// An <c>aes128gcm</c> body (RFC 8188: salt, record size, key id = the sender's public key, then one record)
        /// decrypted with the keys RFC 8291 §3.4 derives from ECDH and the authentication secret.
        /// </summary>
        public string Decrypt(byte[] body)
        {
            var salt = body[..16];
            var recordSize = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(16, 4));
            var idLength = body[20];
            Assert.Equal(65, idLength);
            var senderPublic = body[21..(21 + idLength)];
            var record = body[(21 + idLength)..];
            Assert.True(record.Length <= recordSize, "One record holds the whole message.");

            using var sender = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = senderPublic[1..33], Y = senderPublic[33..] },
            });
            var shared = _key.DeriveRawSecretAgreement(sender.PublicKey);
            byte[] keyInfo = [.. "WebPush: info\0"u8, .. _public, .. senderPublic];
            var ikm = HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, _auth, keyInfo);
            var prk = HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt);
            var cek = HKDF.Expand(HashAlgorithmName.SHA256, prk, 16, "Content-Encoding: aes128gcm\0"u8.ToArray());
            var nonce = HKDF.Expand(HashAlgorithmName.SHA256, prk, 12, "Content-Encoding: nonce\0"u8.ToArray());

            var plain = new byte[record.Length - 16];
            using (var aes = new AesGcm(cek, 16))
            {
                aes.Decrypt(nonce, record[..^16], record[^16..], plain);
            }
            // The last record's padding: a 0x02 delimiter, then zeros.
            var end = Array.LastIndexOf(plain, (byte)2);
            Assert.True(end >= 0 && plain.AsSpan(end + 1).IndexOfAnyExcept((byte)0) < 0, "The record must end with the 0x02 delimiter and zero padding.");
            return Encoding.UTF8.GetString(plain, 0, end);
        }
    }

    /// <summary>A push service on loopback: takes messages at <c>/push/{name}</c>, answers 201, and 410 Gone to <c>/push/gone</c>.</summary>
    private sealed class PushService : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<string, ConcurrentQueue<Push>> _received;

        public sealed record Push(byte[] Body, string Authorization, string ContentEncoding, string Topic, string Ttl);

        private PushService(WebApplication app, ConcurrentDictionary<string, ConcurrentQueue<Push>> received)
        {
            _app = app;
            _received = received;
            Origin = app.BaseUrl().GetLeftPart(UriPartial.Authority);
        }

        /// <summary>The VAPID audience: scheme, host and port of the endpoints.</summary>
        public string Origin { get; }

        public string Endpoint(string name) => $"{Origin}/push/{name}";

        public IReadOnlyList<Push> Received(string name) => [.. _received.GetOrAdd(name, _ => new())];

        public async Task<Push> WaitForAsync(string name, int count = 1)
        {
            Assert.True(await Eventually.UntilAsync(() => Task.FromResult(Received(name).Count >= count)), $"Expected {count} push(es) to {name}.");
            return Received(name)[count - 1];
        }

        public static async Task<PushService> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var received = new ConcurrentDictionary<string, ConcurrentQueue<Push>>();
            app.MapPost("/push/{name}", async (string name, HttpContext context) =>
            {
                if (name == "gone")
                {
                    return Results.StatusCode(StatusCodes.Status410Gone);
                }
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer);
                var headers = context.Request.Headers;
                received.GetOrAdd(name, _ => new()).Enqueue(new Push(buffer.ToArray(), headers.Authorization.ToString(),
                    headers.ContentEncoding.ToString(), headers["Topic"].ToString(), headers["TTL"].ToString()));
                return Results.StatusCode(StatusCodes.Status201Created);
            });
            await app.StartAsync();
            return new PushService(app, received);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
