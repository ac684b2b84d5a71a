using System.Collections.Concurrent;
using System.Text.Json;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;
using Tanager.Transport.WebSockets.Internal;

namespace Tanager.Tests;

public sealed class GatewayEndToEndTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Member_connected_to_the_gateway_receives_MESSAGE_CREATE_with_the_channel_sequence_when_another_posts_over_REST()
    {
        var room = await ChatRoom.CreateAsync(_server, members: 1);
        var reader = room.Members[0];
        var received = new TaskCompletionSource<MessageDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.Gateway.MessageCreated += m =>
        {
            received.TrySetResult(m);
            return Task.CompletedTask;
        };
        var ready = await reader.Gateway.ConnectAsync().Within();
        var channel = Assert.Single(Assert.Single(ready.Workspaces).Channels);
        Assert.Equal(0, channel.LastSequence);

        var posted = await room.PostAsync("hello B");
        var message = await received.Task.Within();

        Assert.Equal(posted.Id, message.Id);
        Assert.Equal("hello B", message.Content);
        Assert.Equal(1, message.Sequence);
        Assert.Equal(room.Owner.User!.Id, message.AuthorId);
        await reader.DisposeAsync();
    }

    [Fact]
    public async Task Broadcast_frames_are_byte_identical_for_every_recipient()
    {
        var room = await ChatRoom.CreateAsync(_server, members: 3);
        var clients = new List<RawGatewayClient>();
        foreach (var member in room.Members.Append(room.Owner))
        {
            var client = await RawGatewayClient.ConnectAsync(_server.Url);
            await client.IdentifyAsync(member.Token!);
            clients.Add(client);
        }

        await room.PostAsync("same bytes for everyone");
        var frames = await Task.WhenAll(clients.Select(c => c.ReadDispatchAsync(GatewayEvents.MessageCreate))).Within();

        Assert.Equal(4, frames.Length);
        Assert.All(frames, f => Assert.Equal(frames[0].Raw, f.Raw));
        Assert.Contains("same bytes for everyone", frames[0].Text, StringComparison.Ordinal);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Joining_a_channel_subscribes_the_users_open_connections_to_it()
    {
        var room = await ChatRoom.CreateAsync(_server, members: 0);
        var newcomer = await _server.NewUserAsync();
        await room.Owner.AddWorkspaceMemberByIdAsync(room.Workspace.Id, newcomer.User!.Id);
        var joined = new TaskCompletionSource<ChannelMemberDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        var message = new TaskCompletionSource<MessageDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        newcomer.Gateway.ChannelMemberAdded += m => Task.FromResult(joined.TrySetResult(m));
        newcomer.Gateway.MessageCreated += m => Task.FromResult(message.TrySetResult(m));
        var ready = await newcomer.Gateway.ConnectAsync().Within();
        Assert.Empty(Assert.Single(ready.Workspaces).Channels);

        await newcomer.JoinChannelAsync(room.Workspace.Id, room.Channel.Id);
        Assert.Equal(newcomer.User.Id, (await joined.Task.Within()).UserId);
        await room.PostAsync("welcome");

        Assert.Equal("welcome", (await message.Task.Within()).Content);
        await newcomer.DisposeAsync();
    }

    [Fact]
    public async Task A_user_added_to_a_workspace_learns_of_it_and_of_its_new_public_channels_live()
    {
        var owner = await _server.NewUserAsync();
        var workspace = await owner.CreateWorkspaceAsync("Later");
        var invitee = await _server.NewUserAsync();
        var added = new TaskCompletionSource<WorkspaceMemberDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        var created = new TaskCompletionSource<ChannelDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        invitee.Gateway.WorkspaceMemberAdded += m => Task.FromResult(added.TrySetResult(m));
        invitee.Gateway.ChannelCreated += c => Task.FromResult(created.TrySetResult(c));
        await invitee.Gateway.ConnectAsync().Within();

        await owner.AddWorkspaceMemberByIdAsync(workspace.Id, invitee.User!.Id);
        Assert.Equal(workspace.Id, (await added.Task.Within()).WorkspaceId);
        await owner.CreateChannelAsync(workspace.Id, "announcements");

        var channel = await created.Task.Within();
        Assert.Equal("announcements", channel.Name);
        Assert.Null(channel.IsMember);
        await invitee.DisposeAsync();
    }

    [Fact]
    public async Task Messages_of_a_channel_never_reach_a_connection_that_is_not_a_member()
    {
        var room = await ChatRoom.CreateAsync(_server, members: 1);
        var outsider = await _server.NewUserAsync();
        await room.Owner.AddWorkspaceMemberByIdAsync(room.Workspace.Id, outsider.User!.Id);
        var secret = await room.Owner.CreateChannelAsync(room.Workspace.Id, "secret", kind: "private");
        var outsiderSaw = new ConcurrentBag<string>();
        outsider.Gateway.Dispatched += d =>
        {
            outsiderSaw.Add(d.Type + " " + d.Data.GetRawText());
            return Task.CompletedTask;
        };
        var memberSaw = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        room.Members[0].Gateway.MessageCreated += m => Task.FromResult(m.Content == "public marker" && memberSaw.TrySetResult());
        await outsider.Gateway.ConnectAsync().Within();
        await room.Members[0].Gateway.ConnectAsync().Within();

        await room.Owner.PostMessageAsync(room.Workspace.Id, secret.Id, "private words");
        await room.PostAsync("public marker");
        await memberSaw.Task.Within();

        Assert.DoesNotContain(outsiderSaw, e => e.Contains("private words", StringComparison.Ordinal) || e.Contains("secret", StringComparison.Ordinal));
        var error = await Assert.ThrowsAsync<TanagerApiException>(() => outsider.GetMessagesAsync(room.Workspace.Id, secret.Id));
        Assert.Equal(404, error.Status);
        await outsider.DisposeAsync();
        await room.Members[0].DisposeAsync();
    }

    [Fact]
    public async Task Heartbeat_is_acknowledged()
    {
        var user = await _server.NewUserAsync();
        await using var client = await RawGatewayClient.ConnectAsync(_server.Url);
        await client.IdentifyAsync(user.Token!);
        await client.SendTextAsync("{\"op\":1}");
        var ack = await client.ReadFrameAsync().Within();
        using var json = JsonDocument.Parse(ack.Payload);
        Assert.Equal(11, json.RootElement.GetProperty("op").GetInt32());
    }

    [Fact]
    public async Task Identify_with_a_bad_token_is_closed_with_4004_and_the_SDK_reports_it_without_retrying()
    {
        await using var client = await RawGatewayClient.ConnectAsync(_server.Url);
        await client.ReadFrameAsync();
        await client.SendTextAsync("{\"op\":2,\"d\":{\"token\":\"tgr_not-a-real-token\"}}");
        Assert.Equal(GatewayCloseCodes.AuthenticationFailed, await client.ReadCloseCodeAsync().Within());

        await using var sdk = new TanagerClient(_server.Url, "tgr_not-a-real-token");
        var error = await Assert.ThrowsAsync<TanagerApiException>(() => sdk.Gateway.ConnectAsync().Within());
        Assert.Equal("authentication_failed", error.Code);
    }

    [Fact]
    public async Task A_second_IDENTIFY_is_closed_with_4005()
    {
        var user = await _server.NewUserAsync();
        await using var client = await RawGatewayClient.ConnectAsync(_server.Url);
        await client.IdentifyAsync(user.Token!);
        await client.SendTextAsync($"{{\"op\":2,\"d\":{{\"token\":\"{user.Token}\"}}}}");
        Assert.Equal(GatewayCloseCodes.AlreadyAuthenticated, await client.ReadCloseCodeAsync().Within());
    }

    [Fact]
    public async Task Ping_is_answered_with_a_pong_carrying_the_same_payload()
    {
        await using var client = await RawGatewayClient.ConnectAsync(_server.Url);
        await client.ReadFrameAsync();
        await client.SendFrameAsync(WebSocketOpcode.Ping, "are you there"u8.ToArray());
        var pong = await client.ReadFrameAsync().Within();
        Assert.Equal(WebSocketOpcode.Pong, pong.Opcode);
        Assert.Equal("are you there", pong.Text);
    }

    [Fact]
    public async Task Client_close_is_echoed_and_the_session_is_released()
    {
        var hub = _server.Services.GetRequiredService<GatewayHub>();
        var user = await _server.NewUserAsync();
        await using var client = await RawGatewayClient.ConnectAsync(_server.Url);
        await client.IdentifyAsync(user.Token!);
        var before = hub.SessionCount;
        await client.SendFrameAsync(WebSocketOpcode.Close, WebSocketFrameWriter.BuildClosePayload(1000, "bye"));
        Assert.Equal(1000, await client.ReadCloseCodeAsync().Within());
        Assert.True(await Eventually.Until(() => hub.SessionCount == before - 1), $"sessions: {hub.SessionCount}, before: {before}");
    }
}
