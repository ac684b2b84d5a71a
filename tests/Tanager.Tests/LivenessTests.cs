using System.Collections.Concurrent;
using System.Diagnostics;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;
using Tanager.Transport.WebSockets.Internal;

namespace Tanager.Tests;

/// <summary>
/// A client that vanishes without closing (process killed, network gone: no FIN) goes offline within the spec's bound,
/// and the SDK notices a path that went silent, reconnects and catches up.
/// </summary>
public sealed class LivenessTests
{
    /// <summary>docs/protocol.md §3.3: a client that vanished is shown offline to others within 30 s with default settings.</summary>
    private static readonly TimeSpan SpecBound = TimeSpan.FromSeconds(30);

    [Fact]
    public void With_defaults_a_vanished_client_is_offline_within_the_specs_30_seconds()
    {
        var options = new GatewayOptions();
        Assert.Equal(2 * options.HeartbeatInterval, options.HeartbeatTimeout);
        // Declared dead after the heartbeat timeout, at the next sweep; presence is released right then.
        var offlineAfter = options.HeartbeatTimeout + GatewayHub.SweepPeriod;
        Assert.True(offlineAfter <= SpecBound, $"offline after up to {offlineAfter}");
        // Even if the release waited for the transport's close (sending the close frame, then the peer's reply), the
        // bound would hold; the test below shows that it does not wait.
        var withCloseWait = offlineAfter + WebSocketConnection.CloseSendTimeout + WebSocketConnection.ClosePeerTimeout;
        Assert.True(withCloseWait <= SpecBound, $"offline after up to {withCloseWait} counting the close wait");
    }

    [Theory]
    [InlineData(TestStorage.InMemory)]
    [InlineData(TestStorage.Sqlite)]
    public async Task A_client_that_stops_without_closing_is_offline_for_others_within_the_heartbeat_timeout(TestStorage storage)
    {
        var interval = TimeSpan.FromSeconds(1);
        await using var server = await TestServer.StartAsync(storage, o => o.Gateway.HeartbeatInterval = interval);
        var hub = server.Services.GetRequiredService<GatewayHub>();
        var room = await ChatRoom.CreateAsync(server, members: 2);
        var (subject, watcher) = (room.Members[0], room.Members[1]);
        var seen = new ConcurrentQueue<(string Status, TimeSpan At)>();
        var clock = new Stopwatch();
        watcher.Gateway.PresenceUpdated += p =>
        {
            if (p.UserId == subject.User!.Id)
            {
                seen.Enqueue((p.Status, clock.Elapsed));
            }
            return Task.CompletedTask;
        };
        await watcher.Gateway.ConnectAsync().Within();

        // The subject identifies, then its process "stops": the socket stays open (no FIN, no close frame), nothing is
        // sent or read any more, exactly what the server sees of a killed client behind a dead network.
        await using var vanishing = await RawGatewayClient.ConnectAsync(server.Url);
        clock.Start();
        await vanishing.IdentifyAsync(subject.Token!).Within();
        Assert.True(await Eventually.Until(() => seen.Any(s => s.Status == "online")), Describe(seen));
        Assert.Equal(2, hub.SessionCount);

        Assert.True(await Eventually.Until(() => seen.Any(s => s.Status == "offline")), Describe(seen));
        var offlineAt = seen.First(s => s.Status == "offline").At;
        // The clock started before IDENTIFY, the client's last frame: the server cannot have given up on it sooner.
        Assert.True(offlineAt > 2 * interval, $"offline after {offlineAt}, before the heartbeat timeout");
        // Two intervals of silence, up to one sweep, delivery. Waiting for the close handshake the dead client never
        // answers (CloseSendTimeout + ClosePeerTimeout) would put it past this bound.
        var bound = 2 * interval + GatewayHub.SweepPeriod + TimeSpan.FromSeconds(1.5);
        Assert.True(bound < 2 * interval + WebSocketConnection.ClosePeerTimeout);
        Assert.True(offlineAt <= bound, $"offline after {offlineAt}; the bound is {bound}");
        // The session is gone from the hub (its subscriptions released) at the same time, not after the close wait.
        Assert.True(await Eventually.Until(() => hub.SessionCount == 1, seconds: 1), $"{hub.SessionCount} sessions at {clock.Elapsed}");
        Assert.Equal(["online", "offline"], seen.Select(s => s.Status));
        await watcher.DisposeAsync();
    }

    [Fact]
    public async Task The_sdk_reconnects_when_its_path_goes_silent_and_gets_what_was_sent_meanwhile()
    {
        var interval = TimeSpan.FromSeconds(1);
        await using var server = await TestServer.StartAsync(TestStorage.Sqlite, o => o.Gateway.HeartbeatInterval = interval);
        var room = await ChatRoom.CreateAsync(server, members: 1);
        // The bot reaches the server through a proxy; only its gateway connection goes through it.
        await using var proxy = new TcpBalancer([server.Url.Port]);
        await using var bot = new TanagerClient(proxy.Url, room.Members[0].Token);
        var received = new ConcurrentQueue<MessageDto>();
        var disconnects = new ConcurrentQueue<(GatewayDisconnect Disconnect, TimeSpan At)>();
        var readies = 0;
        var clock = new Stopwatch();
        bot.Gateway.MessageCreated += m =>
        {
            received.Enqueue(m);
            return Task.CompletedTask;
        };
        bot.Gateway.Disconnected += d =>
        {
            disconnects.Enqueue((d, clock.Elapsed));
            return Task.CompletedTask;
        };
        bot.Gateway.Ready += _ =>
        {
            Interlocked.Increment(ref readies);
            return Task.CompletedTask;
        };
        await bot.Gateway.ConnectAsync().Within();
        await room.PostAsync("before");
        Assert.True(await Eventually.Until(() => received.Any(m => m.Content == "before")));

        // The proxy stops forwarding either way without closing anything: no FIN, no reset, just silence.
        var link = Assert.Single(proxy.Links);
        link.Blackhole();
        clock.Start();
        for (var i = 1; i <= 3; i++)
        {
            await room.PostAsync($"during {i}");
        }

        // Two intervals without a frame (no HEARTBEAT_ACK either) and the SDK gives the connection up...
        Assert.True(await Eventually.Until(() => !disconnects.IsEmpty), "The SDK never noticed the silent path.");
        var (disconnect, noticedAt) = disconnects.First();
        Assert.Null(disconnect.CloseCode);
        Assert.True(disconnect.WillReconnect);
        var bound = 2 * interval + TimeSpan.FromSeconds(1.5);
        Assert.True(noticedAt <= bound, $"noticed after {noticedAt}; the bound is {bound}");
        // ...reconnects through a new proxy connection that works, RESUMEs, and gets what it missed, once each, in order.
        Assert.True(await Eventually.Until(() => received.Count >= 4), string.Join(", ", received.Select(m => m.Content)));
        Assert.Equal(2, readies);
        Assert.NotSame(link, proxy.Links[^1]);
        await room.PostAsync("after");
        Assert.True(await Eventually.Until(() => received.Count >= 5), string.Join(", ", received.Select(m => m.Content)));
        Assert.Equal(["before", "during 1", "during 2", "during 3", "after"], received.Select(m => m.Content));
        var sequences = received.Select(m => m.Sequence).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        Assert.Single(disconnects);
    }

    private static string Describe(IEnumerable<(string Status, TimeSpan At)> seen) => string.Join(", ", seen.Select(s => $"{s.Status} at {s.At}"));
}
