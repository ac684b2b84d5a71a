using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Tanager.Protocol;
using Tanager.Server;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>The SDK surfaces every message once, in order, across disconnections.</summary>
public sealed class CatchUpTests
{
    [Fact]
    public async Task A_client_that_was_away_while_messages_were_posted_receives_each_exactly_once_in_order()
    {
        var port = Ports.Free();
        var data = Directory.CreateTempSubdirectory("tanager-catchup-").FullName;
        var settings = new ServerSettings(new Uri($"http://127.0.0.1:{port}"), data);
        var received = new ConcurrentQueue<long>();
        var server = await TestServer.StartAsync(settings);
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var reader = room.Members[0];
        var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.Gateway.MessageCreated += m =>
        {
            received.Enqueue(m.Sequence);
            return Task.CompletedTask;
        };
        reader.Gateway.Disconnected += _ => Task.FromResult(disconnected.TrySetResult());
        await reader.Gateway.ConnectAsync().Within();
        for (var i = 1; i <= 3; i++)
        {
            await room.PostAsync($"before {i}");
        }
        Assert.True(await Eventually.Until(() => received.Count == 3));

        // The node goes away for a while; the client keeps retrying with a growing back-off.
        await server.DisposeAsync();
        await disconnected.Task.Within();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await using var restarted = await TestServer.StartAsync(settings);
        await using var poster = new Tanager.Client.TanagerClient(restarted.Url, room.Owner.Token);
        for (var i = 4; i <= 9; i++)
        {
            await poster.PostMessageAsync(room.Workspace.Id, room.Channel.Id, $"while away {i}");
        }

        Assert.True(await Eventually.Until(() => received.Count >= 9, 30), $"received: {string.Join(",", received)}");
        await Task.Delay(300);
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), received);
        await reader.DisposeAsync();
    }

    [Fact]
    public async Task A_live_event_after_a_gap_is_preceded_by_the_missing_messages()
    {
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var reader = room.Members[0];
        var received = new ConcurrentQueue<string>();
        reader.Gateway.MessageCreated += m =>
        {
            received.Enqueue(m.Content);
            return Task.CompletedTask;
        };
        await reader.Gateway.ConnectAsync().Within();
        await room.PostAsync("one");
        Assert.True(await Eventually.Until(() => received.Count == 1));

        // Messages stored without their live events: what a subscriber sees when an event is lost in transit.
        var store = server.Services.GetRequiredService<IMessageStore>();
        var author = NUlid.Ulid.Parse(room.Owner.User!.Id);
        var channel = NUlid.Ulid.Parse(room.Channel.Id);
        var workspace = NUlid.Ulid.Parse(room.Workspace.Id);
        await store.AppendAsync([
            new NewMessage(workspace, channel, NUlid.Ulid.NewUlid(), author, "two", null, DateTimeOffset.UtcNow),
            new NewMessage(workspace, channel, NUlid.Ulid.NewUlid(), author, "three", null, DateTimeOffset.UtcNow)]);
        await room.PostAsync("four");

        Assert.True(await Eventually.Until(() => received.Count >= 4), string.Join(",", received));
        Assert.Equal(["one", "two", "three", "four"], received);
        await reader.DisposeAsync();
    }

}
