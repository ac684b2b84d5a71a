using System.Collections.Concurrent;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>Read state, unread and mention counts and the mentions feed, through Tanager.Client against the real server.</summary>
public sealed class ReadStateTests
{
    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Unread_and_mention_counts_show_in_READY_and_marking_read_reaches_the_users_other_connections(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var reader = room.Members[0];
        await room.PostAsync("one");
        await room.PostAsync($"hey <@{reader.User!.Id}>, look");
        await room.PostAsync("<!channel> standup in five");
        await reader.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "mine: not unread for me");

        var ready = await reader.Gateway.ConnectAsync().Within();
        var channel = Assert.Single(Assert.Single(ready.Workspaces).Channels);
        Assert.Equal((0L, 3, 2), (channel.LastReadSequence!.Value, channel.UnreadCount!.Value, channel.MentionCount!.Value));

        await using var phone = new TanagerClient(server.Url, reader.Token);
        var updates = new ConcurrentQueue<ReadStateDto>();
        phone.Gateway.ReadStateUpdated += s =>
        {
            updates.Enqueue(s);
            return Task.CompletedTask;
        };
        await phone.Gateway.ConnectAsync().Within();

        var state = await reader.MarkReadAsync(room.Workspace.Id, room.Channel.Id, 2);
        Assert.Equal((2L, 1, 1), (state.LastReadSequence, state.UnreadCount, state.MentionCount));
        Assert.True(await Eventually.Until(() => !updates.IsEmpty));
        Assert.Equal(state, Assert.Single(updates));

        // Beyond the newest message is the newest message.
        var all = await reader.MarkReadAsync(room.Workspace.Id, room.Channel.Id, 999);
        Assert.Equal((4L, 0, 0), (all.LastReadSequence, all.UnreadCount, all.MentionCount));
        var listed = Assert.Single((await reader.GetReadStatesAsync(room.Workspace.Id)).Channels);
        Assert.Equal(all, listed);
        await room.PostAsync("after reading");
        var inList = Assert.Single(await reader.ListChannelsAsync(room.Workspace.Id));
        Assert.Equal((4L, 1, 0), (inList.LastReadSequence!.Value, inList.UnreadCount!.Value, inList.MentionCount!.Value));

        var mentions = await reader.GetMentionsAsync(room.Workspace.Id);
        Assert.Equal(["<!channel> standup in five", $"hey <@{reader.User!.Id}>, look"], mentions.Messages.Select(m => m.Content));
        var older = await reader.GetMentionsAsync(room.Workspace.Id, before: mentions.Messages[0].Id);
        Assert.Equal([mentions.Messages[1].Id], older.Messages.Select(m => m.Id));
    }

    [Fact]
    public async Task Read_state_is_refused_for_channels_the_caller_cannot_see_or_is_not_in()
    {
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var outsider = await server.NewUserAsync();

        var foreign = await Assert.ThrowsAsync<TanagerApiException>(() => outsider.MarkReadAsync(room.Workspace.Id, room.Channel.Id, 1));
        Assert.Equal(404, foreign.Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<TanagerApiException>(() => outsider.GetReadStatesAsync(room.Workspace.Id))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<TanagerApiException>(() => outsider.GetMentionsAsync(room.Workspace.Id))).Status);

        // A workspace member outside a public channel may see it but keeps no read state in it.
        var bystander = await server.NewUserAsync();
        await room.Owner.AddWorkspaceMemberByIdAsync(room.Workspace.Id, bystander.User!.Id);
        Assert.Equal(403, (await Assert.ThrowsAsync<TanagerApiException>(() => bystander.MarkReadAsync(room.Workspace.Id, room.Channel.Id, 1))).Status);
        Assert.Equal(400, (await Assert.ThrowsAsync<TanagerApiException>(() => room.Members[0].MarkReadAsync(room.Workspace.Id, room.Channel.Id, -1))).Status);
        Assert.Equal(400, (await Assert.ThrowsAsync<TanagerApiException>(() => room.Members[0].GetMentionsAsync(room.Workspace.Id, before: "not-an-id"))).Status);
    }
}
