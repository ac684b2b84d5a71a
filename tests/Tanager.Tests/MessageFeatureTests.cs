using System.Collections.Concurrent;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// Edits, deletes, reactions, pins and threads end to end: REST through Tanager.Client against the real server, and the
/// gateway events another member's SDK receives, on SQLite and PostgreSQL.
/// </summary>
public sealed class MessageFeatureTests
{
    /// <summary>Every channel change one member's SDK raised, in the order it raised them.</summary>
    private sealed class Feed
    {
        public ConcurrentQueue<(string Kind, long ChangeSequence, object Data)> Events { get; } = new();

        public static async Task<Feed> ConnectAsync(TanagerClient client)
        {
            var feed = new Feed();
            var gateway = client.Gateway;
            gateway.MessageCreated += m => feed.Add("create", m.ChangeSequence, m);
            gateway.MessageUpdated += m => feed.Add("update", m.ChangeSequence, m);
            gateway.MessageDeleted += m => feed.Add("delete", m.ChangeSequence, m);
            gateway.ReactionAdded += r => feed.Add("reaction+", r.ChangeSequence, r);
            gateway.ReactionRemoved += r => feed.Add("reaction-", r.ChangeSequence, r);
            gateway.ThreadUpdated += t => feed.Add("thread", 0, t);
            await gateway.ConnectAsync().Within();
            return feed;
        }

        private Task Add(string kind, long changeSequence, object data)
        {
            Events.Enqueue((kind, changeSequence, data));
            return Task.CompletedTask;
        }

        public async Task<T> WaitForAsync<T>(string kind, long changeSequence)
        {
            Assert.True(await Eventually.Until(() => Events.Any(e => e.Kind == kind && e.ChangeSequence == changeSequence)),
                $"No {kind} #{changeSequence}; got {string.Join(", ", Events.Select(e => e.Kind + "#" + e.ChangeSequence))}");
            return (T)Events.First(e => e.Kind == kind && e.ChangeSequence == changeSequence).Data;
        }

        public IEnumerable<long> Sequenced => Events.Where(e => e.Kind != "thread").Select(e => e.ChangeSequence);
    }

    /// <summary>A message as the wire shows it: compares reactions by value, which record equality of lists does not.</summary>
    private static string Json(MessageDto message) => System.Text.Json.JsonSerializer.Serialize(message, TanagerJsonContext.Default.MessageDto);

    private static async Task<int> StatusOfAsync(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<TanagerApiException>(call);
        return error.Status;
    }

    private static async Task<string> CodeOfAsync(Func<Task> call) => (await Assert.ThrowsAsync<TanagerApiException>(call)).Code;

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Edits_and_deletes_follow_the_rules_and_reach_other_members_in_order(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var room = await ChatRoom.CreateAsync(server, members: 2);
        var (ws, ch) = (room.Workspace.Id, room.Channel.Id);
        var (ann, bob) = (room.Members[0], room.Members[1]);
        var feed = await Feed.ConnectAsync(bob);
        var message = await ann.PostMessageAsync(ws, ch, "helo");
        var bobs = await bob.PostMessageAsync(ws, ch, "bob was here");

        var edited = await ann.EditMessageAsync(ws, ch, message.Id, "hello");
        Assert.Equal(("hello", message.Sequence, 3L), (edited.Content, edited.Sequence, edited.ChangeSequence));
        Assert.NotNull(edited.EditedAt);
        var live = await feed.WaitForAsync<MessageDto>("update", 3);
        Assert.Equal(edited, live);

        Assert.Equal(403, await StatusOfAsync(() => bob.EditMessageAsync(ws, ch, message.Id, "not yours")));
        Assert.Equal(403, await StatusOfAsync(() => bob.DeleteMessageAsync(ws, ch, message.Id)));
        Assert.Equal(400, await StatusOfAsync(() => ann.EditMessageAsync(ws, ch, message.Id, "   ")));

        var tombstone = await ann.DeleteMessageAsync(ws, ch, message.Id);
        Assert.Equal(("", 4L), (tombstone.Content, tombstone.ChangeSequence));
        Assert.NotNull(tombstone.DeletedAt);
        Assert.Equal(tombstone, await feed.WaitForAsync<MessageDto>("delete", 4));
        Assert.Equal(ErrorCodes.MessageDeleted, await CodeOfAsync(() => ann.EditMessageAsync(ws, ch, message.Id, "back")));
        Assert.Equal(tombstone, await ann.DeleteMessageAsync(ws, ch, message.Id)); // deleting again changes nothing

        // The owner (an admin role, so ManageMessages) deletes anyone's message.
        var moderated = await room.Owner.DeleteMessageAsync(ws, ch, bobs.Id);
        Assert.Equal(5, moderated.ChangeSequence);
        await feed.WaitForAsync<MessageDto>("delete", 5);

        var history = await bob.GetMessagesAsync(ws, ch);
        Assert.Equal([("", 4L), ("", 5L)], history.Messages.Select(m => (m.Content, m.ChangeSequence)));
        Assert.Equal(5, history.LastSequence);
        Assert.Equal([1L, 2, 3, 4, 5], feed.Sequenced);
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Reactions_are_validated_idempotent_aggregated_with_me_and_announced(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var room = await ChatRoom.CreateAsync(server, members: 2);
        var (ws, ch) = (room.Workspace.Id, room.Channel.Id);
        var (ann, bob) = (room.Members[0], room.Members[1]);
        var feed = await Feed.ConnectAsync(bob);
        var message = await ann.PostMessageAsync(ws, ch, "lunch?");

        var first = await ann.AddReactionAsync(ws, ch, message.Id, "👍");
        var twice = await ann.AddReactionAsync(ws, ch, message.Id, "👍");
        await bob.AddReactionAsync(ws, ch, message.Id, "👍");
        await bob.AddReactionAsync(ws, ch, message.Id, ":party_parrot:");
        var family = await bob.AddReactionAsync(ws, ch, message.Id, "👨‍👩‍👧");

        Assert.Equal(2, first.ChangeSequence);
        Assert.Equal(Json(first), Json(twice));
        var forAnn = await ann.GetMessageAsync(ws, ch, message.Id);
        Assert.Equal(5, forAnn.ChangeSequence);
        Assert.Equal(
            [("👍", 2, true), (":party_parrot:", 1, false), ("👨‍👩‍👧", 1, false)],
            forAnn.Reactions!.Select(r => (r.Emoji, r.Count, r.Me!.Value)));
        Assert.Equal([ann.User!.Id, bob.User!.Id], forAnn.Reactions![0].Users);
        Assert.All(family.Reactions!, r => Assert.True(r.Me));

        var added = await feed.WaitForAsync<ReactionEventDto>("reaction+", 4);
        Assert.Equal((ws, ch, message.Id, bob.User!.Id, ":party_parrot:"), (added.WorkspaceId, added.ChannelId, added.MessageId, added.UserId, added.Emoji));
        var removed = await ann.RemoveReactionAsync(ws, ch, message.Id, "👍");
        Assert.Equal(6, removed.ChangeSequence);
        Assert.Equal([("👍", 1, false)], removed.Reactions!.Take(1).Select(r => (r.Emoji, r.Count, r.Me!.Value)));
        Assert.Equal(ann.User!.Id, (await feed.WaitForAsync<ReactionEventDto>("reaction-", 6)).UserId);
        Assert.Equal(Json(removed), Json(await ann.RemoveReactionAsync(ws, ch, message.Id, "👍")));
        Assert.Equal([1L, 2, 3, 4, 5, 6], feed.Sequenced);
        Assert.Equal(["create", "reaction+", "reaction+", "reaction+", "reaction+", "reaction-"], feed.Events.Select(e => e.Kind));

        foreach (var bad in new[] { "hello", "👍👍", ":Party:", "::", ":a b:", "a", "👍x", ":" + new string('a', 33) + ":" })
        {
            Assert.Equal(400, await StatusOfAsync(() => ann.AddReactionAsync(ws, ch, message.Id, bad)));
        }

        // Membership and permission: a workspace member who has not joined may look but not react; strangers see nothing.
        var carol = await server.NewUserAsync();
        await room.Owner.AddWorkspaceMemberByIdAsync(ws, carol.User!.Id);
        Assert.Equal(403, await StatusOfAsync(() => carol.AddReactionAsync(ws, ch, message.Id, "👍")));
        var stranger = await server.NewUserAsync();
        Assert.Equal(404, await StatusOfAsync(() => stranger.AddReactionAsync(ws, ch, message.Id, "👍")));

        await ann.DeleteMessageAsync(ws, ch, message.Id);
        Assert.Equal(ErrorCodes.MessageDeleted, await CodeOfAsync(() => bob.AddReactionAsync(ws, ch, message.Id, "🎉")));
        Assert.Null((await ann.GetMessageAsync(ws, ch, message.Id)).Reactions);
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_client_offline_while_messages_were_edited_deleted_and_reacted_to_gets_the_exact_state_from_changes_since(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var room = await ChatRoom.CreateAsync(server, members: 2);
        var (ws, ch) = (room.Workspace.Id, room.Channel.Id);
        var (ann, bob) = (room.Members[0], room.Members[1]);
        var kept = await ann.PostMessageAsync(ws, ch, "kept");
        var doomed = await ann.PostMessageAsync(ws, ch, "doomed");
        var reacted = await bob.PostMessageAsync(ws, ch, "react to me");

        // Bob's state as of now; then he goes offline.
        var bobs = (await bob.GetChangesAsync(ws, ch, 0)).Messages.ToDictionary(m => m.Id);
        var since = bobs.Values.Max(m => m.ChangeSequence);

        await ann.EditMessageAsync(ws, ch, kept.Id, "kept, edited once");
        await ann.EditMessageAsync(ws, ch, kept.Id, "kept, edited twice");
        await ann.AddReactionAsync(ws, ch, reacted.Id, "🎉");
        await room.Owner.AddReactionAsync(ws, ch, reacted.Id, "🎉");
        await room.Owner.AddReactionAsync(ws, ch, reacted.Id, ":shipit:");
        await ann.AddReactionAsync(ws, ch, doomed.Id, "😢");
        await ann.DeleteMessageAsync(ws, ch, doomed.Id);
        await room.Owner.RemoveReactionAsync(ws, ch, reacted.Id, ":shipit:");
        var fresh = await ann.PostMessageAsync(ws, ch, "posted while away");
        await ann.AddReactionAsync(ws, ch, fresh.Id, "👀");

        // Bob comes back and pages through "changes since", applying each message's current state.
        var cursor = since;
        MessagePage page;
        do
        {
            page = await bob.GetChangesAsync(ws, ch, cursor, limit: 2);
            foreach (var message in page.Messages)
            {
                Assert.True(message.ChangeSequence > cursor);
                cursor = message.ChangeSequence;
                bobs[message.Id] = message;
            }
        }
        while (page.HasMore);

        var truth = (await bob.GetMessagesWithRepliesAsync(ws, ch)).Messages;
        Assert.Equal(truth.Select(Json), bobs.Values.OrderBy(m => m.Sequence).Select(Json));
        Assert.Equal(page.LastSequence, cursor);
        Assert.Equal(3 + 10, cursor);
        var byId = truth.ToDictionary(m => m.Id);
        Assert.Equal("kept, edited twice", byId[kept.Id].Content);
        Assert.Equal(("", (IReadOnlyList<ReactionDto>?)null), (byId[doomed.Id].Content, byId[doomed.Id].Reactions));
        Assert.NotNull(byId[doomed.Id].DeletedAt);
        Assert.Equal([("🎉", 2, false)], byId[reacted.Id].Reactions!.Select(r => (r.Emoji, r.Count, r.Me!.Value)));
        Assert.Equal([("👀", 1, false)], byId[fresh.Id].Reactions!.Select(r => (r.Emoji, r.Count, r.Me!.Value)));
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_resuming_gateway_client_gets_each_changed_message_once_as_its_current_state(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var (ws, ch) = (room.Workspace.Id, room.Channel.Id);
        var ann = room.Members[0];
        var edited = await ann.PostMessageAsync(ws, ch, "original");
        var deleted = await ann.PostMessageAsync(ws, ch, "doomed");
        await ann.EditMessageAsync(ws, ch, edited.Id, "edited");
        await ann.AddReactionAsync(ws, ch, edited.Id, "👍");
        await ann.DeleteMessageAsync(ws, ch, deleted.Id);
        var fresh = await ann.PostMessageAsync(ws, ch, "new");

        // A client that stopped at sequence 2 resumes: the store replays the current state of what changed since.
        await using var client = await RawGatewayClient.ConnectAsync(server.Url);
        await client.ReadFrameAsync();
        var resume = new IdentifyData { Token = room.Owner.Token, LastSequences = new Dictionary<string, long> { [ch] = 2 } };
        await client.SendTextAsync(System.Text.Encoding.UTF8.GetString(GatewayEnvelope.Serialize(GatewayOpCode.Resume, null, resume, TanagerJsonContext.Default.IdentifyData)));
        await client.ReadDispatchAsync(GatewayEvents.Ready).Within();
        var replayed = new List<(string Event, string Id, long ChangeSequence, string Content)>();
        while (replayed.Count < 3)
        {
            var frame = await client.ReadFrameAsync().Within();
            using var json = System.Text.Json.JsonDocument.Parse(frame.Text);
            if (!json.RootElement.TryGetProperty("t", out var type) || type.GetString()?.StartsWith("MESSAGE_", StringComparison.Ordinal) != true)
            {
                continue; // presence and other events that are not channel changes
            }
            var d = json.RootElement.GetProperty("d");
            replayed.Add((json.RootElement.GetProperty("t").GetString()!, d.GetProperty("id").GetString()!, d.GetProperty("change_sequence").GetInt64(), d.GetProperty("content").GetString()!));
        }

        Assert.Equal(
            [(GatewayEvents.MessageUpdate, edited.Id, 4L, "edited"), (GatewayEvents.MessageDelete, deleted.Id, 5L, ""), (GatewayEvents.MessageCreate, fresh.Id, 6L, "new")],
            replayed);
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Pins_need_manage_messages_are_listed_and_announced_as_message_updates(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var room = await ChatRoom.CreateAsync(server, members: 2);
        var (ws, ch) = (room.Workspace.Id, room.Channel.Id);
        var (ann, bob) = (room.Members[0], room.Members[1]);
        var feed = await Feed.ConnectAsync(bob);
        var first = await ann.PostMessageAsync(ws, ch, "rules");
        var second = await ann.PostMessageAsync(ws, ch, "faq");

        Assert.Equal(403, await StatusOfAsync(() => ann.PinMessageAsync(ws, ch, first.Id)));
        var pinned = await room.Owner.PinMessageAsync(ws, ch, first.Id);
        Assert.Equal((room.Owner.User!.Id, 3L), (pinned.PinnedBy, pinned.ChangeSequence));
        Assert.NotNull(pinned.PinnedAt);
        Assert.Equal(pinned, await feed.WaitForAsync<MessageDto>("update", 3));
        Assert.Equal(pinned, await room.Owner.PinMessageAsync(ws, ch, first.Id)); // already pinned: nothing changes
        await room.Owner.PinMessageAsync(ws, ch, second.Id);

        Assert.Equal([second.Id, first.Id], (await bob.ListPinsAsync(ws, ch)).Select(m => m.Id));
        var unpinned = await room.Owner.UnpinMessageAsync(ws, ch, first.Id);
        Assert.Equal((null, null, 5L), (unpinned.PinnedAt, unpinned.PinnedBy, unpinned.ChangeSequence));
        await feed.WaitForAsync<MessageDto>("update", 5);

        // Deleting a pinned message unpins it in the same change; a tombstone cannot be pinned.
        var deleted = await ann.DeleteMessageAsync(ws, ch, second.Id);
        Assert.Null(deleted.PinnedAt);
        Assert.Empty(await bob.ListPinsAsync(ws, ch));
        Assert.Equal(ErrorCodes.MessageDeleted, await CodeOfAsync(() => room.Owner.PinMessageAsync(ws, ch, second.Id)));
        Assert.Equal([1L, 2, 3, 4, 5, 6], feed.Sequenced);
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Replies_form_threads_with_counts_a_thread_view_and_follows(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var room = await ChatRoom.CreateAsync(server, members: 3);
        var (ws, ch) = (room.Workspace.Id, room.Channel.Id);
        var (ann, bob, carol) = (room.Members[0], room.Members[1], room.Members[2]);
        var feed = await Feed.ConnectAsync(carol);
        var parent = await ann.PostMessageAsync(ws, ch, "Who is coming on Friday?");
        var first = await bob.ReplyAsync(ws, ch, parent.Id, "me");
        var second = await bob.ReplyAsync(ws, ch, parent.Id, "and my +1");
        await ann.PostMessageAsync(ws, ch, "unrelated");

        Assert.Equal((parent.Id, 2L), (first.ThreadId, first.Sequence));
        Assert.Equal(parent.Id, (await feed.WaitForAsync<MessageDto>("create", 3)).ThreadId);
        var readParent = await carol.GetMessageAsync(ws, ch, parent.Id);
        Assert.Equal((2, second.CreatedAt, 1L), (readParent.ReplyCount, readParent.LastReplyAt, readParent.ChangeSequence));

        var thread = await carol.GetThreadAsync(ws, ch, parent.Id, limit: 1);
        Assert.Equal([second.Id], thread.Messages.Select(m => m.Id));
        Assert.True(thread.HasMore);
        Assert.Equal([first.Id], (await carol.GetThreadAsync(ws, ch, parent.Id, before: second.Sequence)).Messages.Select(m => m.Id));
        Assert.Equal(["Who is coming on Friday?", "unrelated"], (await carol.GetMessagesAsync(ws, ch)).Messages.Select(m => m.Content));
        Assert.Equal(4, (await carol.GetMessagesWithRepliesAsync(ws, ch)).Messages.Count);

        // The parent's author and the replier follow automatically; Ann's unfollow sticks when more replies come.
        Assert.Equal([parent.Id], (await ann.ListFollowedThreadsAsync(ws)).Select(t => t.Parent.Id));
        var bobsThreads = await bob.ListFollowedThreadsAsync(ws);
        Assert.Equal((parent.Id, 2), (bobsThreads.Single().Parent.Id, bobsThreads.Single().Parent.ReplyCount));
        Assert.Empty(await carol.ListFollowedThreadsAsync(ws));
        await ann.UnfollowThreadAsync(ws, ch, parent.Id);
        await bob.ReplyAsync(ws, ch, parent.Id, "see you there");
        Assert.Empty(await ann.ListFollowedThreadsAsync(ws));
        await carol.FollowThreadAsync(ws, ch, parent.Id);
        Assert.Equal([parent.Id], (await carol.ListFollowedThreadsAsync(ws)).Select(t => t.Parent.Id));
        var followEvent = await feed.WaitForAsync<ThreadFollowDto>("thread", 0);
        Assert.Equal((ws, ch, parent.Id, true), (followEvent.WorkspaceId, followEvent.ChannelId, followEvent.ThreadId, followEvent.Following));

        // What a reply may hang on: a live, top-level message of the same channel.
        Assert.Equal(400, await StatusOfAsync(() => carol.ReplyAsync(ws, ch, first.Id, "nested")));
        Assert.Equal(400, await StatusOfAsync(() => carol.GetThreadAsync(ws, ch, first.Id)));
        var other = await room.Owner.CreateChannelAsync(ws, "random");
        Assert.Equal(404, await StatusOfAsync(() => room.Owner.ReplyAsync(ws, other.Id, parent.Id, "wrong channel")));
        Assert.Equal(404, await StatusOfAsync(() => carol.ReplyAsync(ws, ch, "01ARZ3NDEKTSV4RRFFQ69G5FAV", "nowhere")));
        await ann.DeleteMessageAsync(ws, ch, parent.Id);
        Assert.Equal(ErrorCodes.MessageDeleted, await CodeOfAsync(() => carol.ReplyAsync(ws, ch, parent.Id, "too late")));
        Assert.Equal(3, (await carol.GetMessageAsync(ws, ch, parent.Id)).ReplyCount);
        // The deletion is the sixth change: wait for its event rather than race it.
        await feed.WaitForAsync<MessageDto>("delete", 6);
        Assert.Equal([1L, 2, 3, 4, 5, 6], feed.Sequenced);
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Messages_of_another_workspace_or_a_private_channel_are_not_found_for_every_message_endpoint(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var (ws, ch) = (room.Workspace.Id, room.Channel.Id);
        var secret = await room.Owner.CreateChannelAsync(ws, "secret", kind: "private");
        var hidden = await room.Owner.PostMessageAsync(ws, secret.Id, "hidden");
        var elsewhere = await ChatRoom.CreateAsync(server, members: 0);
        var foreign = await elsewhere.PostAsync("foreign");
        var member = room.Members[0];
        var feed = await Feed.ConnectAsync(member);

        var calls = new (string Name, string Channel, string Message)[] { ("private", secret.Id, hidden.Id), ("foreign", ch, foreign.Id), ("other channel's id", ch, hidden.Id) };
        foreach (var (name, channel, id) in calls)
        {
            var attempts = new Func<Task>[]
            {
                () => member.GetMessageAsync(ws, channel, id),
                () => member.EditMessageAsync(ws, channel, id, "x"),
                () => member.DeleteMessageAsync(ws, channel, id),
                () => member.AddReactionAsync(ws, channel, id, "👍"),
                () => member.RemoveReactionAsync(ws, channel, id, "👍"),
                () => member.PinMessageAsync(ws, channel, id),
                () => member.UnpinMessageAsync(ws, channel, id),
                () => member.GetThreadAsync(ws, channel, id),
                () => member.FollowThreadAsync(ws, channel, id),
                () => member.UnfollowThreadAsync(ws, channel, id),
                () => member.ReplyAsync(ws, channel, id, "x"),
            };
            foreach (var attempt in attempts)
            {
                Assert.True(await StatusOfAsync(attempt) == 404, name);
            }
        }
        Assert.Equal(404, await StatusOfAsync(() => member.ListPinsAsync(ws, secret.Id)));
        Assert.Equal(404, await StatusOfAsync(() => member.ListFollowedThreadsAsync(elsewhere.Workspace.Id)));
        Assert.Equal(("hidden", 1L), ((await room.Owner.GetMessageAsync(ws, secret.Id, hidden.Id)).Content, (await room.Owner.GetMessageAsync(ws, secret.Id, hidden.Id)).ChangeSequence));
        Assert.Equal(("foreign", 1L), ((await elsewhere.Owner.GetMessageAsync(elsewhere.Workspace.Id, elsewhere.Channel.Id, foreign.Id)).Content, foreign.ChangeSequence));
        await room.PostAsync("marker");
        await feed.WaitForAsync<MessageDto>("create", 1);
        Assert.Equal(["create"], feed.Events.Select(e => e.Kind));
    }
}
