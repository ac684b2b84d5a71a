using System.Collections.Concurrent;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>End to end through the real server on each store.</summary>
public sealed class DurableStorageTests
{
    [Theory]
    [InlineData(TestStorage.InMemory)]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Fifty_concurrent_posters_yield_sequence_numbers_one_to_n_with_no_gap_or_duplicate_and_a_subscriber_sees_them_in_order(TestStorage storage)
    {
        await using var _server = await TestServer.StartAsync(storage);
        const int posters = 50;
        const int messagesEach = 4;
        var room = await ChatRoom.CreateAsync(_server, members: posters);
        var subscriber = await _server.NewUserAsync();
        await room.Owner.AddWorkspaceMemberByIdAsync(room.Workspace.Id, subscriber.User!.Id);
        await subscriber.JoinChannelAsync(room.Workspace.Id, room.Channel.Id);
        var live = new ConcurrentQueue<long>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.Gateway.MessageCreated += m =>
        {
            live.Enqueue(m.Sequence);
            if (live.Count == posters * messagesEach)
            {
                all.TrySetResult();
            }
            return Task.CompletedTask;
        };
        await subscriber.Gateway.ConnectAsync().Within();

        using var start = new SemaphoreSlim(0);
        var tasks = room.Members.Select(async member =>
        {
            await start.WaitAsync();
            var sequences = new List<long>();
            for (var i = 0; i < messagesEach; i++)
            {
                sequences.Add((await member.PostMessageAsync(room.Workspace.Id, room.Channel.Id, $"m{i}")).Sequence);
            }
            return sequences;
        }).ToList();
        start.Release(posters);
        var acknowledged = (await Task.WhenAll(tasks).Within(60)).SelectMany(s => s).Order().ToList();
        await all.Task.Within();

        var expected = Enumerable.Range(1, posters * messagesEach).Select(i => (long)i).ToList();
        Assert.Equal(expected, acknowledged);
        Assert.Equal(expected, live.ToList());
        var history = new List<long>();
        long? before = null;
        do
        {
            var page = await room.Owner.GetMessagesAsync(room.Workspace.Id, room.Channel.Id, before: before, limit: 100);
            history.InsertRange(0, page.Messages.Select(m => m.Sequence));
            before = page.HasMore ? page.Messages[0].Sequence : null;
        }
        while (before is not null);
        Assert.Equal(expected, history);
        await subscriber.DisposeAsync();
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task History_sequences_and_memberships_survive_a_restart(TestStorage storage)
    {
        var settings = await TestServer.SettingsForAsync(storage);
        string ownerToken, memberToken, workspaceId, channelId, privateId;
        IReadOnlyList<MessageDto> historyBefore;
        IReadOnlyList<ChannelDto> channelsBefore;
        IReadOnlyList<WorkspaceMemberDto> membersBefore;
        await using (var first = await TestServer.StartAsync(settings))
        {
            var room = await ChatRoom.CreateAsync(first, members: 2);
            var secret = await room.Owner.CreateChannelAsync(room.Workspace.Id, "secret", kind: "private");
            for (var i = 1; i <= 12; i++)
            {
                await room.Members[i % 2].PostMessageAsync(room.Workspace.Id, room.Channel.Id, $"message {i}\nwith ünïcode ✓");
            }
            await room.Owner.PostMessageAsync(room.Workspace.Id, secret.Id, "private note");
            (ownerToken, memberToken, workspaceId, channelId, privateId) = (room.Owner.Token!, room.Members[0].Token!, room.Workspace.Id, room.Channel.Id, secret.Id);
            historyBefore = (await room.Owner.GetMessagesAsync(workspaceId, channelId, limit: 100)).Messages;
            channelsBefore = await room.Members[0].ListChannelsAsync(workspaceId);
            membersBefore = await room.Owner.ListWorkspaceMembersAsync(workspaceId);
        }

        await using var second = await TestServer.StartAsync(settings);
        // Sessions are stored too: the tokens issued before the restart still work.
        await using var owner = new TanagerClient(second.Url, ownerToken);
        await using var member = new TanagerClient(second.Url, memberToken);

        var historyAfter = (await owner.GetMessagesAsync(workspaceId, channelId, limit: 100)).Messages;
        Assert.Equal(historyBefore, historyAfter);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), historyAfter.Select(m => m.Sequence));
        Assert.Equal(channelsBefore, await member.ListChannelsAsync(workspaceId));
        Assert.Equal(membersBefore, await owner.ListWorkspaceMembersAsync(workspaceId));
        Assert.Equal(404, (await Assert.ThrowsAsync<TanagerApiException>(() => member.GetMessagesAsync(workspaceId, privateId))).Status);
        Assert.Equal(13, (await member.PostMessageAsync(workspaceId, channelId, "after the restart")).Sequence);
        var ready = await member.Gateway.ConnectAsync().Within();
        Assert.Equal(13, Assert.Single(ready.Workspaces[0].Channels).LastSequence);
    }

    [Theory]
    [InlineData(TestStorage.InMemory)]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Search_ranks_results_and_never_returns_a_message_the_caller_cannot_read(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var reader = room.Members[0];
        var ws = room.Workspace.Id;
        await room.PostAsync("the release train leaves on friday");
        await room.PostAsync("release release release: notes for the release train");
        await room.PostAsync("unrelated chatter");
        var secret = await room.Owner.CreateChannelAsync(ws, "leadership", kind: "private");
        await room.Owner.PostMessageAsync(ws, secret.Id, "release train plans, confidential");
        var other = await server.NewUserAsync();
        var otherWorkspace = await other.CreateWorkspaceAsync("Elsewhere");
        var otherChannel = await other.CreateChannelAsync(otherWorkspace.Id, "general");
        await other.PostMessageAsync(otherWorkspace.Id, otherChannel.Id, "release train in another company");

        var hits = (await reader.SearchAsync(ws, "release train")).Messages;

        Assert.Equal(2, hits.Count);
        Assert.StartsWith("release release release", hits[0].Content, StringComparison.Ordinal);
        Assert.All(hits, h => Assert.Equal(room.Channel.Id, h.ChannelId));
        Assert.Equal(3, (await room.Owner.SearchAsync(ws, "release train")).Messages.Count);
        Assert.Equal(404, (await Assert.ThrowsAsync<TanagerApiException>(() => reader.SearchAsync(otherWorkspace.Id, "release"))).Status);
        Assert.Equal(400, (await Assert.ThrowsAsync<TanagerApiException>(() => reader.SearchAsync(ws, " "))).Status);
        Assert.Empty((await reader.SearchAsync(ws, "\"unbalanced AND (")).Messages);
    }
}
