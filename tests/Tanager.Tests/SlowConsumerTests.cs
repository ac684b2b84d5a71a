using System.Diagnostics.Metrics;
using Tanager.Tests.Infrastructure;
using Tanager.Transport.WebSockets.Internal;

namespace Tanager.Tests;

[Collection(SerialCollection.Name)]
public sealed class SlowConsumerTests
{
    private const long QueueLimit = 64 * 1024;

    [Fact]
    public async Task A_client_that_stops_reading_is_disconnected_while_the_servers_queued_memory_stays_bounded()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Gateway.SendQueueBytes = QueueLimit;
            o.Gateway.SendQueueFrames = 1024;
        });
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var hub = server.Services.GetRequiredService<GatewayHub>();
        long queued = 0, peak = 0, dropped = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GatewayMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "tanager.gateway.send_queue.size")
            {
                var now = Interlocked.Add(ref queued, value);
                long seen;
                while (now > (seen = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, now, seen) != seen)
                {
                }
            }
            else if (instrument.Name == "tanager.gateway.slow_consumers")
            {
                Interlocked.Add(ref dropped, value);
            }
        });
        listener.Start();

        // A tiny receive window so the kernel cannot soak up the backlog on the client's behalf.
        await using var stalled = await RawGatewayClient.ConnectAsync(server.Url, receiveBuffer: 4096);
        await stalled.IdentifyAsync(room.Members[0].Token!);
        Assert.Equal(1, hub.SessionCount);

        var content = new string('x', 3900);
        var posts = 0;
        // ~8 MB of events at most: far beyond what the queue and socket buffers can hold, bounded so the test always ends.
        while (hub.SessionCount > 0 && posts < 2000)
        {
            await room.PostAsync(content);
            posts++;
        }

        Assert.True(await Eventually.Until(() => hub.SessionCount == 0), $"still connected after {posts} posts");
        Assert.Equal(1, Interlocked.Read(ref dropped));
        Assert.InRange(Interlocked.Read(ref peak), 1, QueueLimit);
        Assert.True(await Eventually.Until(() => Interlocked.Read(ref queued) == 0), $"{queued} bytes still accounted as queued");
        // The client sees its connection end: with a 4010 close frame when one could still be delivered, or a reset.
        var code = await stalled.ReadCloseCodeAsync().Within(30);
        Assert.True(code is null or 4010, $"unexpected close code {code}");
    }
}
