using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// The server delivers each channel's changes gap-free and in order on every connection: a resuming client gets what it
/// missed from the store before live events, an event that overtook another is held back, and an event the pub/sub
/// lost is read from the store.
/// </summary>
public sealed class ResumeTests
{
    [Theory]
    [InlineData(TestStorage.InMemory, GatewayOpCode.Resume)]
    [InlineData(TestStorage.Sqlite, GatewayOpCode.Resume)]
    [InlineData(TestStorage.Postgres, GatewayOpCode.Resume)]
    [InlineData(TestStorage.Sqlite, GatewayOpCode.Identify)]
    public async Task A_client_giving_its_last_sequences_gets_every_missed_change_before_live_ones_without_duplicates(TestStorage storage, GatewayOpCode op)
    {
        await using var server = await TestServer.StartAsync(storage);
        var room = await ChatRoom.CreateAsync(server, members: 1);
        for (var i = 1; i <= 5; i++)
        {
            await room.PostAsync($"m{i}");
        }

        await using var client = await RawGatewayClient.ConnectAsync(server.Url);
        await client.ReadFrameAsync();
        await client.SendTextAsync(Identify(op, room.Members[0].Token!, new Dictionary<string, long> { [room.Channel.Id] = 2 }));
        // Posted while the server is building READY and reading the store: live, possibly also in the replay.
        var live = room.PostAsync("m6");
        var ready = JsonDocument.Parse((await client.ReadDispatchAsync(GatewayEvents.Ready).Within()).Text);
        await live;
        Assert.Equal(room.Channel.Id, ready.RootElement.GetProperty("d").GetProperty("workspaces")[0].GetProperty("channels")[0].GetProperty("id").GetString());

        var received = await ReadMessagesAsync(client, count: 4);
        Assert.Equal([3L, 4L, 5L, 6L], received.Select(m => m.Sequence));
        Assert.Equal(["m3", "m4", "m5", "m6"], received.Select(m => m.Content));
        await room.PostAsync("m7");
        Assert.Equal(7, (await ReadMessagesAsync(client, count: 1))[0].Sequence);
    }

    [Fact]
    public async Task A_cursor_beyond_the_channels_head_is_treated_as_the_head()
    {
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 1);
        await room.PostAsync("one");
        await using var client = await RawGatewayClient.ConnectAsync(server.Url);
        await client.ReadFrameAsync();
        // A client whose server was restored from an older backup remembers sequences the server never reached.
        await client.SendTextAsync(Identify(GatewayOpCode.Resume, room.Members[0].Token!, new Dictionary<string, long> { [room.Channel.Id] = 999, ["01HZZZZZZZZZZZZZZZZZZZZZZZ"] = 3 }));
        await client.ReadDispatchAsync(GatewayEvents.Ready).Within();
        await room.PostAsync("two");
        var received = await ReadMessagesAsync(client, count: 1);
        Assert.Equal("two", received[0].Content);
    }

    [Fact]
    public async Task A_negative_last_sequence_is_a_decode_error()
    {
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 1);
        await using var client = await RawGatewayClient.ConnectAsync(server.Url);
        await client.ReadFrameAsync();
        await client.SendTextAsync(Identify(GatewayOpCode.Resume, room.Members[0].Token!, new Dictionary<string, long> { [room.Channel.Id] = -1 }));
        Assert.Equal(GatewayCloseCodes.DecodeError, await client.ReadCloseCodeAsync().Within());
    }

    [Fact]
    public async Task An_event_the_pub_sub_lost_is_read_from_the_store_when_it_reports_the_loss()
    {
        var pubSub = new FaultyPubSub();
        await using var server = await TestServer.StartAsync(new Tanager.Server.ServerSettings(new Uri("http://127.0.0.1:0"), InMemory: true), services: s => s.Replace(ServiceDescriptor.Singleton<IPubSub>(pubSub)));
        var room = await ChatRoom.CreateAsync(server, members: 1);
        await using var client = await RawGatewayClient.ConnectAsync(server.Url);
        await client.IdentifyAsync(room.Members[0].Token!);
        await room.PostAsync("one");
        Assert.Equal("one", (await ReadMessagesAsync(client, count: 1))[0].Content);

        pubSub.DropNextChannelEvent();
        await room.PostAsync("two");
        Assert.True(pubSub.Dropped);
        // Nothing else happens in the channel: only the loss report can bring "two".
        pubSub.ReportLoss();
        Assert.Equal("two", (await ReadMessagesAsync(client, count: 1))[0].Content);
        await room.PostAsync("three");
        Assert.Equal([3L], (await ReadMessagesAsync(client, count: 1)).Select(m => m.Sequence));
    }

    [Fact]
    public async Task Events_that_cross_in_the_pub_sub_reach_the_client_in_channel_order()
    {
        var pubSub = new FaultyPubSub();
        await using var server = await TestServer.StartAsync(new Tanager.Server.ServerSettings(new Uri("http://127.0.0.1:0"), InMemory: true), services: s => s.Replace(ServiceDescriptor.Singleton<IPubSub>(pubSub)));
        var room = await ChatRoom.CreateAsync(server, members: 1);
        await using var client = await RawGatewayClient.ConnectAsync(server.Url);
        await client.IdentifyAsync(room.Members[0].Token!);

        // Two nodes publish one after the other, and the second one's event arrives first.
        pubSub.HoldNextChannelEvent();
        await room.PostAsync("first");
        await room.PostAsync("second");
        Assert.True(pubSub.Released);
        var received = await ReadMessagesAsync(client, count: 2);
        Assert.Equal(["first", "second"], received.Select(m => m.Content));
        await room.PostAsync("third");
        Assert.Equal("third", (await ReadMessagesAsync(client, count: 1))[0].Content);
    }

    [Fact]
    public async Task A_slow_consumer_is_disconnected_then_reconnects_and_misses_nothing()
    {
        await using var server = await TestServer.StartAsync(Tanager.Tests.Infrastructure.TestStorage.Sqlite, o =>
        {
            o.Gateway.SendQueueBytes = 64 * 1024;
            o.Gateway.SendQueueFrames = 64;
        });
        var hub = server.Services.GetRequiredService<GatewayHub>();
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var port = server.Url.Port;
        // The reader's traffic passes a balancer whose link can stop reading, with a tiny buffer towards the server.
        await using var balancer = new TcpBalancer([port], backendReceiveBuffer: 4096);
        await using var reader = new TanagerClient(balancer.Url, room.Members[0].Token);
        var received = new ConcurrentQueue<long>();
        var disconnects = 0;
        reader.Gateway.MessageCreated += m =>
        {
            received.Enqueue(m.Sequence);
            return Task.CompletedTask;
        };
        reader.Gateway.Disconnected += _ =>
        {
            Interlocked.Increment(ref disconnects);
            return Task.CompletedTask;
        };
        await reader.Gateway.ConnectAsync().Within();
        await room.PostAsync("before the stall");
        Assert.True(await Eventually.Until(() => received.Count == 1));

        var link = Assert.Single(balancer.Links);
        await link.PauseAsync();
        var content = new string('x', 3900);
        var posts = 1;
        // Until the server gives up on the stalled connection (bounded, so the test always ends).
        while (hub.SessionCount > 0 && posts < 3000)
        {
            await room.PostAsync(content);
            posts++;
        }
        Assert.Equal(0, hub.SessionCount);
        for (var i = 0; i < 20; i++)
        {
            await room.PostAsync("after the drop");
            posts++;
        }
        link.Resume();

        Assert.True(await Eventually.Until(() => received.Count >= posts, 60), $"{received.Count} of {posts}");
        await Task.Delay(300);
        Assert.Equal(Enumerable.Range(1, posts).Select(i => (long)i), received);
        Assert.True(disconnects >= 1);
    }

    private static string Identify(GatewayOpCode op, string token, Dictionary<string, long> lastSequences) =>
        System.Text.Encoding.UTF8.GetString(GatewayEnvelope.Serialize(op, null, new IdentifyData { Token = token, LastSequences = lastSequences }, TanagerJsonContext.Default.IdentifyData));

    private static async Task<List<MessageDto>> ReadMessagesAsync(RawGatewayClient client, int count)
    {
        var messages = new List<MessageDto>();
        while (messages.Count < count)
        {
            var frame = JsonDocument.Parse((await client.ReadDispatchAsync(GatewayEvents.MessageCreate).Within()).Text);
            messages.Add(frame.RootElement.GetProperty("d").Deserialize(TanagerJsonContext.Default.MessageDto)!);
        }
        return messages;
    }

    /// <summary>In-process pub/sub that can lose or delay one channel event, as a broker between nodes might.</summary>
    private sealed class FaultyPubSub : IPubSub
    {
        private readonly InProcessPubSub _inner = new();
        private int _drop;
        private int _hold;
        private (string Subject, EventHeader Header, ReadOnlyMemory<byte> Payload)? _held;

        public event EventHandler? DeliveriesLost;

        public bool Dropped { get; private set; }
        public bool Released { get; private set; }

        public void DropNextChannelEvent() => Volatile.Write(ref _drop, 1);
        public void HoldNextChannelEvent() => Volatile.Write(ref _hold, 1);
        public void ReportLoss() => DeliveriesLost?.Invoke(this, EventArgs.Empty);

        public async ValueTask PublishAsync(string subject, EventHeader header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
        {
            var channelEvent = subject.Contains(".ch.", StringComparison.Ordinal);
            if (channelEvent && Interlocked.Exchange(ref _drop, 0) == 1)
            {
                Dropped = true;
                return;
            }
            if (channelEvent && Interlocked.Exchange(ref _hold, 0) == 1)
            {
                _held = (subject, header, payload);
                return;
            }
            await _inner.PublishAsync(subject, header, payload, cancellationToken);
            if (channelEvent && _held is { } held)
            {
                _held = null;
                Released = true;
                await _inner.PublishAsync(held.Subject, held.Header, held.Payload, cancellationToken);
            }
        }

        public ValueTask<IAsyncDisposable> SubscribeAsync(string subject, PubSubHandler handler, CancellationToken cancellationToken = default) =>
            _inner.SubscribeAsync(subject, handler, cancellationToken);
    }
}
