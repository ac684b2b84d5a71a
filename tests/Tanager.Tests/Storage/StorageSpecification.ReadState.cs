using NUlid;

namespace Tanager.Tests.Storage;

public abstract partial class StorageSpecification
{
    [Fact]
    public async Task Unread_counts_top_level_messages_by_others_after_the_last_read_one_and_mentions_count_mentions()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var reader = await NewUserAsync();
        var channel = await NewChannelAsync(workspace, owner);
        var quiet = await NewChannelAsync(workspace, owner);
        await PostAsync(channel, owner, "one", $"hey {Mentions.Of(reader.Id)}", $"{Mentions.Channel} standup", $"not {Mentions.Of(owner.Id)}");
        await PostAsync(channel, reader, $"my own {Mentions.Here}");

        var states = await _store.ReadStates.GetReadStatesAsync(workspace.Id, reader.Id, [channel.Id, quiet.Id]);
        Assert.Equal(new ChannelReadState(channel.Id, 0, 4, 2), Assert.Single(states, s => s.ChannelId == channel.Id));
        Assert.Equal(new ChannelReadState(quiet.Id, 0, 0, 0), Assert.Single(states, s => s.ChannelId == quiet.Id));

        await _store.ReadStates.SetLastReadAsync(workspace.Id, channel.Id, reader.Id, 2, At(5));
        Assert.Equal(new ChannelReadState(channel.Id, 2, 2, 1), Assert.Single(await _store.ReadStates.GetReadStatesAsync(workspace.Id, reader.Id, [channel.Id])));
        // Back again: marking unread is allowed.
        await _store.ReadStates.SetLastReadAsync(workspace.Id, channel.Id, reader.Id, 1, At(6));
        Assert.Equal(new ChannelReadState(channel.Id, 1, 3, 2), Assert.Single(await _store.ReadStates.GetReadStatesAsync(workspace.Id, reader.Id, [channel.Id])));
        // Another member's state is their own.
        Assert.Equal(0, Assert.Single(await _store.ReadStates.GetReadStatesAsync(workspace.Id, owner.Id, [channel.Id])).LastReadSequence);
    }

    [Fact]
    public async Task The_mentions_feed_lists_mentions_by_others_newest_first_in_the_given_channels_and_pages_back()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var reader = await NewUserAsync();
        var channel = await NewChannelAsync(workspace, owner);
        var other = await NewChannelAsync(workspace, owner);
        // Ids are ULIDs, ordered by their millisecond: one message per millisecond makes "newest first" exact.
        var posted = new List<Message>();
        foreach (var content in new[] { $"a {Mentions.Of(reader.Id)}", "nothing", $"b {Mentions.Here}", $"c {Mentions.Of(reader.Id)}" })
        {
            posted.AddRange(await PostAsync(channel, owner, content));
            await Task.Delay(3);
        }
        await PostAsync(other, owner, $"elsewhere {Mentions.Of(reader.Id)}");
        await PostAsync(channel, reader, $"self {Mentions.Of(reader.Id)}");

        var feed = await _store.ReadStates.ListMentionsAsync(workspace.Id, reader.Id, [channel.Id], null, 10);
        Assert.Equal([posted[3].Id, posted[2].Id, posted[0].Id], feed.Select(m => m.Id));
        var page = await _store.ReadStates.ListMentionsAsync(workspace.Id, reader.Id, [channel.Id], posted[2].Id, 1);
        Assert.Equal([posted[0].Id], page.Select(m => m.Id));
        Assert.Equal(2, (await _store.ReadStates.ListMentionsAsync(workspace.Id, reader.Id, [channel.Id, other.Id], null, 2)).Count);
        Assert.Empty(await _store.ReadStates.ListMentionsAsync(Ulid.NewUlid(), reader.Id, [channel.Id], null, 10));
    }
}
