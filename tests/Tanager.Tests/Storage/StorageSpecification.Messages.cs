using NUlid;

namespace Tanager.Tests.Storage;

/// <summary>Message changes (edits, deletes, pins, reactions) and threads: every store numbers and derives them alike.</summary>
public abstract partial class StorageSpecification
{
    private async Task<(Workspace Workspace, User Owner, Channel Channel)> NewChannelWithOwnerAsync()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        return (workspace, owner, await NewChannelAsync(workspace, owner));
    }

    private NewMessage ReplyDraft(Channel channel, User author, Message parent, string content, int second) =>
        new(channel.WorkspaceId, channel.Id, Ulid.NewUlid(), author.Id, content, parent.Id, At(second));

    [Fact]
    public async Task Every_change_of_a_message_takes_the_channels_next_number_and_repeats_take_none()
    {
        var (workspace, owner, channel) = await NewChannelWithOwnerAsync();
        var (first, second) = await PostAsync(channel, owner, "first", "second") is [var a, var b] ? (a, b) : throw new InvalidOperationException();

        var edited = await _store.Messages.EditAsync(workspace.Id, first.Id, "first, edited", At(10));
        var reacted = await _store.Messages.AddReactionAsync(workspace.Id, second.Id, owner.Id, "👍", At(11));
        var again = await _store.Messages.AddReactionAsync(workspace.Id, second.Id, owner.Id, "👍", At(12));
        var pinned = await _store.Messages.SetPinAsync(workspace.Id, first.Id, owner.Id, At(13));
        var pinnedAgain = await _store.Messages.SetPinAsync(workspace.Id, first.Id, owner.Id, At(14));
        var deleted = await _store.Messages.DeleteAsync(workspace.Id, second.Id, At(15));
        var editTombstone = await _store.Messages.EditAsync(workspace.Id, second.Id, "too late", At(16));
        var reactTombstone = await _store.Messages.AddReactionAsync(workspace.Id, second.Id, owner.Id, ":tada:", At(17));
        var deletedAgain = await _store.Messages.DeleteAsync(workspace.Id, second.Id, At(18));

        Assert.Equal((true, 3L, "first, edited", At(10)), (edited!.Changed, edited.Message.ChangeSequence, edited.Message.Content, edited.Message.EditedAt));
        Assert.Equal(1, edited.Message.Sequence);
        Assert.Equal((true, 4L), (reacted!.Changed, reacted.Message.ChangeSequence));
        Assert.Equal([("👍", 1, owner.Id.ToString())], reacted.Message.Reactions.Select(r => (r.Emoji, r.Count, string.Join(",", r.Users))));
        Assert.Equal((false, 4L), (again!.Changed, again.Message.ChangeSequence));
        Assert.Equal((true, 5L, At(13), (Ulid?)owner.Id), (pinned!.Changed, pinned.Message.ChangeSequence, pinned.Message.PinnedAt, pinned.Message.PinnedBy));
        Assert.False(pinnedAgain!.Changed);
        Assert.Equal((true, 6L, "", At(15)), (deleted!.Changed, deleted.Message.ChangeSequence, deleted.Message.Content, deleted.Message.DeletedAt));
        Assert.Empty(deleted.Message.Reactions);
        Assert.All([editTombstone!, reactTombstone!, deletedAgain!], c => Assert.Equal((false, 6L, At(15)), (c.Changed, c.Message.ChangeSequence, c.Message.DeletedAt)));
        Assert.Equal(6, (await _store.Channels.GetAsync(workspace.Id, channel.Id))!.LastSequence);

        // "Changes since" 2 is the current state of both messages, in the order of their latest change.
        var changes = await _store.Messages.ListChangesAsync(workspace.Id, channel.Id, 2, 10);
        Assert.Equal([(first.Id, 5L), (second.Id, 6L)], changes.Messages.Select(m => (m.Id, m.ChangeSequence)));
        Assert.Equal(("first, edited", At(13)), (changes.Messages[0].Content, changes.Messages[0].PinnedAt));
        Assert.Equal(("", At(15)), (changes.Messages[1].Content, changes.Messages[1].DeletedAt));
        Assert.Equal(6, changes.LastSequence);
        Assert.Equal([second.Id], (await _store.Messages.ListChangesAsync(workspace.Id, channel.Id, 5, 10)).Messages.Select(m => m.Id));
        Assert.Equal(changes.Messages[0], await _store.Messages.GetAsync(workspace.Id, first.Id));
        Assert.Empty(await _store.Search.SearchAsync(workspace.Id, [channel.Id], "second", 10));
        Assert.Equal([first.Id], (await _store.Search.SearchAsync(workspace.Id, [channel.Id], "edited", 10)).Select(m => m.Id));
    }

    [Fact]
    public async Task Unpinning_and_removing_a_reaction_are_changes_only_when_there_is_something_to_remove()
    {
        var (workspace, owner, channel) = await NewChannelWithOwnerAsync();
        var message = (await PostAsync(channel, owner, "hello"))[0];

        Assert.False((await _store.Messages.SetPinAsync(workspace.Id, message.Id, null, At(5)))!.Changed);
        Assert.False((await _store.Messages.RemoveReactionAsync(workspace.Id, message.Id, owner.Id, "👍"))!.Changed);
        await _store.Messages.SetPinAsync(workspace.Id, message.Id, owner.Id, At(6));
        await _store.Messages.AddReactionAsync(workspace.Id, message.Id, owner.Id, "👍", At(7));
        var unpinned = await _store.Messages.SetPinAsync(workspace.Id, message.Id, null, At(8));
        var removed = await _store.Messages.RemoveReactionAsync(workspace.Id, message.Id, owner.Id, "👍");

        Assert.Equal((true, 4L, (DateTimeOffset?)null, (Ulid?)null), (unpinned!.Changed, unpinned.Message.ChangeSequence, unpinned.Message.PinnedAt, unpinned.Message.PinnedBy));
        Assert.Equal((true, 5L), (removed!.Changed, removed.Message.ChangeSequence));
        Assert.Empty(removed.Message.Reactions);
        Assert.Empty(await _store.Messages.ListPinsAsync(workspace.Id, channel.Id, 10));
    }

    [Fact]
    public async Task Changes_of_a_message_that_is_not_in_the_workspace_find_nothing()
    {
        var (workspace, owner, channel) = await NewChannelWithOwnerAsync();
        var message = (await PostAsync(channel, owner, "mine"))[0];
        var (other, stranger) = await NewWorkspaceAsync();

        Assert.Null(await _store.Messages.EditAsync(other.Id, message.Id, "hijack", At(5)));
        Assert.Null(await _store.Messages.DeleteAsync(other.Id, message.Id, At(5)));
        Assert.Null(await _store.Messages.AddReactionAsync(other.Id, message.Id, stranger.Id, "👍", At(5)));
        Assert.Null(await _store.Messages.RemoveReactionAsync(workspace.Id, Ulid.NewUlid(), owner.Id, "👍"));
        Assert.Null(await _store.Messages.SetPinAsync(workspace.Id, Ulid.NewUlid(), owner.Id, At(5)));
        Assert.Equal(message, await _store.Messages.GetAsync(workspace.Id, message.Id));
        Assert.Equal(1, (await _store.Channels.GetAsync(workspace.Id, channel.Id))!.LastSequence);
    }

    [Fact]
    public async Task Reactions_aggregate_per_emoji_in_order_of_first_use_with_the_first_25_users_in_order()
    {
        var (workspace, owner, channel) = await NewChannelWithOwnerAsync();
        var message = (await PostAsync(channel, owner, "vote"))[0];
        var users = new List<User>();
        for (var i = 0; i < 30; i++)
        {
            users.Add(await NewUserAsync());
        }
        await _store.Messages.AddReactionAsync(workspace.Id, message.Id, users[0].Id, ":party_parrot:", At(10));
        for (var i = 0; i < 30; i++)
        {
            await _store.Messages.AddReactionAsync(workspace.Id, message.Id, users[i].Id, "👍", At(20 + i));
        }
        await _store.Messages.AddReactionAsync(workspace.Id, message.Id, users[1].Id, ":party_parrot:", At(60));

        var reactions = (await _store.Messages.GetAsync(workspace.Id, message.Id))!.Reactions;

        Assert.Equal([":party_parrot:", "👍"], reactions.Select(r => r.Emoji));
        Assert.Equal(2, reactions[0].Count);
        Assert.Equal([users[0].Id, users[1].Id], reactions[0].Users);
        Assert.Equal(30, reactions[1].Count);
        Assert.Equal(users.Take(MessageReaction.MaxUsers).Select(u => u.Id), reactions[1].Users);
        Assert.All(reactions, r => Assert.Null(r.Me));
        var own = await _store.Messages.ListOwnReactionsAsync(workspace.Id, [message.Id, Ulid.NewUlid()], users[29].Id);
        Assert.Equal(new HashSet<(Ulid, string)> { (message.Id, "👍") }, own.ToHashSet());
        Assert.Equal(32 + 1, (await _store.Channels.GetAsync(workspace.Id, channel.Id))!.LastSequence);
    }

    [Fact]
    public async Task Concurrent_changes_and_appends_to_one_channel_take_gapless_distinct_numbers()
    {
        var (workspace, owner, channel) = await NewChannelWithOwnerAsync();
        var target = (await PostAsync(channel, owner, "target"))[0];
        var reactors = new List<User>();
        for (var i = 0; i < 20; i++)
        {
            reactors.Add(await NewUserAsync());
        }

        var numbers = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            var change = await _store.Messages.AddReactionAsync(workspace.Id, target.Id, reactors[i].Id, i % 2 == 0 ? "👍" : ":eyes:", At(10 + i));
            numbers.Add(change!.Message.ChangeSequence);
            var edit = await _store.Messages.EditAsync(workspace.Id, target.Id, $"edit {i}", At(40 + i));
            numbers.Add(edit!.Message.ChangeSequence);
            foreach (var appended in await _store.Messages.AppendAsync([Draft(channel, owner, $"m{i}")]))
            {
                numbers.Add(appended.Sequence);
            }
        })));

        // Each change returns the number it took: all different, and together exactly 2..61 after the first append.
        Assert.Equal(Enumerable.Range(2, 60).Select(i => (long)i), numbers.Order());
        Assert.Equal(61, (await _store.Channels.GetAsync(workspace.Id, channel.Id))!.LastSequence);
        var current = (await _store.Messages.GetAsync(workspace.Id, target.Id))!;
        Assert.Equal(20, current.Reactions.Sum(r => r.Count));
        var all = await _store.Messages.ListChangesAsync(workspace.Id, channel.Id, 0, 100);
        Assert.Equal(21, all.Messages.Count);
        Assert.Equal(all.Messages.Select(m => m.ChangeSequence).Order(), all.Messages.Select(m => m.ChangeSequence));
        Assert.Equal(all.Messages.Count, all.Messages.Select(m => m.ChangeSequence).Distinct().Count());
    }

    [Fact]
    public async Task Replies_count_on_their_parent_page_in_the_thread_and_can_be_left_out_of_history()
    {
        var (workspace, owner, channel) = await NewChannelWithOwnerAsync();
        var parent = (await PostAsync(channel, owner, "parent"))[0];
        var replies = await _store.Messages.AppendAsync([
            ReplyDraft(channel, owner, parent, "r1", 5), ReplyDraft(channel, owner, parent, "r2", 6), ReplyDraft(channel, owner, parent, "r3", 7)]);
        await PostAsync(channel, owner, "after");
        await _store.Messages.DeleteAsync(workspace.Id, replies[2].Id, At(8));

        var read = (await _store.Messages.GetAsync(workspace.Id, parent.Id))!;
        Assert.Equal((2, (DateTimeOffset?)At(6)), (read.ReplyCount, read.LastReplyAt));
        Assert.Equal(1, read.ChangeSequence);
        Assert.Equal((0, (DateTimeOffset?)null), (replies[0].ReplyCount, replies[0].LastReplyAt));

        var newest = await _store.Messages.ListThreadAsync(workspace.Id, channel.Id, parent.Id, new HistoryQuery(null, null, 2));
        Assert.Equal(["r2", ""], newest.Messages.Select(m => m.Content));
        Assert.True(newest.HasMore);
        var older = await _store.Messages.ListThreadAsync(workspace.Id, channel.Id, parent.Id, new HistoryQuery(newest.Messages[0].Sequence, null, 2));
        Assert.Equal(["r1"], older.Messages.Select(m => m.Content));
        Assert.False(older.HasMore);
        Assert.Equal(["r2", ""], (await _store.Messages.ListThreadAsync(workspace.Id, channel.Id, parent.Id, new HistoryQuery(null, replies[0].Sequence, 5))).Messages.Select(m => m.Content));
        Assert.Empty((await _store.Messages.ListThreadAsync(workspace.Id, Ulid.NewUlid(), parent.Id, new HistoryQuery(null, null, 5))).Messages);

        var topLevel = await _store.Messages.ListAsync(workspace.Id, channel.Id, new HistoryQuery(null, null, 10, TopLevelOnly: true));
        Assert.Equal(["parent", "after"], topLevel.Messages.Select(m => m.Content));
        Assert.Equal(2, topLevel.Messages[0].ReplyCount);
        Assert.Equal(5, (await _store.Messages.ListAsync(workspace.Id, channel.Id, new HistoryQuery(null, null, 10))).Messages.Count);
    }

    [Fact]
    public async Task Thread_follows_keep_an_explicit_unfollow_and_list_by_latest_activity()
    {
        var (workspace, owner, channel) = await NewChannelWithOwnerAsync();
        var other = await NewChannelAsync(workspace, owner);
        var quiet = (await PostAsync(channel, owner, "quiet"))[0];
        var busy = (await PostAsync(channel, owner, "busy"))[0];
        var elsewhere = (await PostAsync(other, owner, "elsewhere"))[0];
        var reader = await NewUserAsync();
        await _store.Messages.AppendAsync([ReplyDraft(channel, owner, busy, "reply", 30)]);

        await _store.Messages.SetThreadFollowAsync(workspace.Id, channel.Id, quiet.Id, reader.Id, true, At(10));
        await _store.Messages.SetThreadFollowAsync(workspace.Id, channel.Id, busy.Id, reader.Id, true, At(11));
        await _store.Messages.SetThreadFollowAsync(workspace.Id, other.Id, elsewhere.Id, reader.Id, true, At(12));
        var followed = await _store.Messages.ListFollowedThreadsAsync(workspace.Id, reader.Id, [channel.Id, other.Id], 10);
        Assert.Equal(busy.Id, followed[0].Parent.Id);
        Assert.Equal(new HashSet<Ulid> { quiet.Id, busy.Id, elsewhere.Id }, followed.Select(t => t.Parent.Id).ToHashSet());
        Assert.Equal((1, At(11)), (followed[0].Parent.ReplyCount, followed[0].FollowedAt));
        Assert.Equal([busy.Id, quiet.Id], (await _store.Messages.ListFollowedThreadsAsync(workspace.Id, reader.Id, [channel.Id], 10)).Select(t => t.Parent.Id));

        await _store.Messages.SetThreadFollowAsync(workspace.Id, channel.Id, busy.Id, reader.Id, false, At(20));
        await _store.Messages.SetThreadFollowAsync(workspace.Id, channel.Id, busy.Id, reader.Id, true, At(21), onlyIfUndecided: true);
        Assert.Equal([quiet.Id], (await _store.Messages.ListFollowedThreadsAsync(workspace.Id, reader.Id, [channel.Id], 10)).Select(t => t.Parent.Id));
        await _store.Messages.SetThreadFollowAsync(workspace.Id, channel.Id, busy.Id, reader.Id, true, At(22));
        Assert.Equal([busy.Id, quiet.Id], (await _store.Messages.ListFollowedThreadsAsync(workspace.Id, reader.Id, [channel.Id], 10)).Select(t => t.Parent.Id));
        Assert.Empty(await _store.Messages.ListFollowedThreadsAsync(workspace.Id, owner.Id, [channel.Id], 10));
        Assert.Empty(await _store.Messages.ListFollowedThreadsAsync(Ulid.NewUlid(), reader.Id, [channel.Id], 10));
    }
}
