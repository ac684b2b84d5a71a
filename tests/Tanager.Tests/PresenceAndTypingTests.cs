using System.Collections.Concurrent;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>Typing indicators and presence, through Tanager.Client against the real server.</summary>
public sealed class PresenceAndTypingTests
{
    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Typing_reaches_the_channels_other_members_once_per_renewal_interval(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var room = await ChatRoom.CreateAsync(server, members: 2);
        var (typist, watcher) = (room.Members[0], room.Members[1]);
        var seen = new ConcurrentQueue<TypingData>();
        watcher.Gateway.TypingStarted += t =>
        {
            seen.Enqueue(t);
            return Task.CompletedTask;
        };
        await watcher.Gateway.ConnectAsync().Within();
        await typist.Gateway.ConnectAsync().Within();

        // A keyboard sends a burst of key presses; the server forwards one indicator per 2.5 s.
        for (var i = 0; i < 5; i++)
        {
            Assert.True(await typist.Gateway.SendTypingAsync(room.Workspace.Id, room.Channel.Id));
        }
        Assert.True(await Eventually.Until(() => !seen.IsEmpty));
        await room.PostAsync("sync point");
        await Task.Delay(300);
        var typing = Assert.Single(seen);
        Assert.Equal(typist.User!.Id, typing.UserId);
        Assert.Equal(room.Channel.Id, typing.ChannelId);
        Assert.Equal(5000, typing.ExpiresInMs);
        await typist.DisposeAsync();
        await watcher.DisposeAsync();
    }

    [Fact]
    public async Task Typing_in_a_channel_one_is_not_in_is_refused_with_an_error_op_and_reaches_nobody()
    {
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var outsider = await server.NewUserAsync();
        await using var client = await RawGatewayClient.ConnectAsync(server.Url);
        await client.IdentifyAsync(outsider.Token!);
        await client.SendTextAsync($$$"""{"op":4,"d":{"workspace_id":"{{{room.Workspace.Id}}}","channel_id":"{{{room.Channel.Id}}}"}}""");
        var error = await client.ReadFrameAsync().Within();
        Assert.Contains("\"op\":12", error.Text, StringComparison.Ordinal);
        Assert.Contains("not_found", error.Text, StringComparison.Ordinal);
        await client.SendTextAsync("""{"op":4,"d":{"workspace_id":"nope","channel_id":"nope"}}""");
        Assert.Equal(GatewayCloseCodes.DecodeError, await client.ReadCloseCodeAsync().Within());
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Presence_combines_a_users_connections_and_goes_offline_when_the_last_one_drops(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var room = await ChatRoom.CreateAsync(server, members: 2);
        var (subject, watcher) = (room.Members[0], room.Members[1]);
        var seen = new ConcurrentQueue<string>();
        watcher.Gateway.PresenceUpdated += p =>
        {
            if (p.UserId == subject.User!.Id)
            {
                seen.Enqueue(p.Status);
            }
            return Task.CompletedTask;
        };
        await watcher.Gateway.ConnectAsync().Within();

        await subject.Gateway.ConnectAsync().Within();
        Assert.True(await Eventually.Until(() => seen.LastOrDefault() == "online"), string.Join(",", seen));
        await subject.Gateway.SetPresenceAsync("dnd");
        Assert.True(await Eventually.Until(() => seen.LastOrDefault() == "dnd"), string.Join(",", seen));

        // A second device, online: do-not-disturb, the user's explicit wish, still wins.
        await using var phone = new TanagerClient(server.Url, subject.Token);
        var ready = await phone.Gateway.ConnectAsync().Within();
        var known = Assert.Single(ready.Workspaces).Presences!;
        Assert.Contains(known, p => p.UserId == subject.User!.Id && p.Status == "dnd");
        Assert.Contains(known, p => p.UserId == watcher.User!.Id && p.Status == "online");

        await subject.DisposeAsync();
        Assert.True(await Eventually.Until(() => seen.LastOrDefault() == "online"), string.Join(",", seen));
        await phone.DisposeAsync();
        Assert.True(await Eventually.Until(() => seen.LastOrDefault() == "offline"), string.Join(",", seen));
        Assert.Equal(["online", "dnd", "online", "offline"], seen);
        await watcher.DisposeAsync();
    }

    [Fact]
    public async Task An_idle_connection_shows_away_and_activity_brings_it_back_online()
    {
        await using var server = await TestServer.StartAsync(o => o.Gateway.IdleTimeout = TimeSpan.FromSeconds(1));
        var room = await ChatRoom.CreateAsync(server, members: 2);
        var (subject, watcher) = (room.Members[0], room.Members[1]);
        var seen = new ConcurrentQueue<string>();
        watcher.Gateway.PresenceUpdated += p =>
        {
            if (p.UserId == subject.User!.Id)
            {
                seen.Enqueue(p.Status);
            }
            return Task.CompletedTask;
        };
        await watcher.Gateway.ConnectAsync().Within();
        await subject.Gateway.ConnectAsync().Within();
        Assert.True(await Eventually.Until(() => seen.Contains("away"), 15), string.Join(",", seen));
        await subject.Gateway.SendTypingAsync(room.Workspace.Id, room.Channel.Id);
        Assert.True(await Eventually.Until(() => seen.LastOrDefault() == "online"), string.Join(",", seen));
        Assert.Equal(["online", "away", "online"], seen.Take(3));
        await subject.DisposeAsync();
        await watcher.DisposeAsync();
    }

    [Fact]
    public async Task A_client_flooding_ops_is_closed_as_rate_limited()
    {
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 1);
        await using var client = await RawGatewayClient.ConnectAsync(server.Url);
        await client.IdentifyAsync(room.Members[0].Token!);
        for (var i = 0; i < 200; i++)
        {
            await client.SendTextAsync("""{"op":1}""");
        }
        Assert.Equal(GatewayCloseCodes.RateLimited, await client.ReadCloseCodeAsync().Within());
    }
}
