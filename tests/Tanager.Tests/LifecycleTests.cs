using System.Collections.Concurrent;
using System.Text.Json;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Graceful_shutdown_sends_RECONNECT_then_closes_with_1001_and_stops_quickly()
    {
        var server = await TestServer.StartAsync();
        var user = await server.NewUserAsync();
        var client = await RawGatewayClient.ConnectAsync(server.Url);
        await client.IdentifyAsync(user.Token!);

        var stopping = server.StopAsync();
        var reconnect = await client.ReadFrameAsync().Within();
        using (var json = JsonDocument.Parse(reconnect.Payload))
        {
            Assert.Equal((int)GatewayOpCode.Reconnect, json.RootElement.GetProperty("op").GetInt32());
        }
        Assert.Equal(GatewayCloseCodes.GoingAway, await client.ReadCloseCodeAsync().Within());
        await client.DisposeAsync();
        // The drain ends as soon as the last client has gone, well before the 10 s drain timeout.
        await stopping.Within(8);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task The_SDK_reconnects_by_itself_when_the_server_drops_its_connection()
    {
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var member = room.Members[0];
        var readies = 0;
        var disconnects = new ConcurrentQueue<GatewayDisconnect>();
        var secondReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var afterReconnect = new TaskCompletionSource<MessageDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        member.Gateway.Ready += _ => Task.FromResult(Interlocked.Increment(ref readies) == 2 && secondReady.TrySetResult());
        member.Gateway.Disconnected += d =>
        {
            disconnects.Enqueue(d);
            return Task.CompletedTask;
        };
        member.Gateway.MessageCreated += m => Task.FromResult(afterReconnect.TrySetResult(m));
        await member.Gateway.ConnectAsync().Within();

        var hub = server.Services.GetRequiredService<GatewayHub>();
        Assert.Single(hub.Sessions).Close(GatewayCloseCodes.InternalError, "test drops the connection");
        await secondReady.Task.Within();
        await room.PostAsync("still here");

        Assert.Equal("still here", (await afterReconnect.Task.Within()).Content);
        var disconnect = Assert.Single(disconnects);
        Assert.Equal(GatewayCloseCodes.InternalError, disconnect.CloseCode);
        Assert.True(disconnect.WillReconnect);
        await member.DisposeAsync();
    }
}
