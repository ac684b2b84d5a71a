using NUlid;

namespace Tanager.Tests.Storage;

/// <summary>The plain text search of the older specification tests: every channel given, no filters.</summary>
internal static class SearchStoreExtensions
{
    public static ValueTask<IReadOnlyList<Message>> SearchAsync(this ISearchStore store, Ulid workspaceId, IReadOnlyCollection<Ulid> channelIds, string text, int limit) =>
        store.SearchAsync(workspaceId, new MessageSearch(channelIds, text, limit));
}

public abstract partial class StorageSpecification
{
    private static readonly DateTimeOffset Day0 = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    private async Task<Message> PostAtAsync(Channel channel, User author, string content, DateTimeOffset at, Ulid? threadId = null) =>
        (await _store.Messages.AppendAsync([new NewMessage(channel.WorkspaceId, channel.Id, Ulid.NewUlid(at), author.Id, content, threadId, at)]))[0];

    /// <summary>Five messages over three days in two channels, one a reply, one deleted.</summary>
    private async Task<(Workspace Workspace, Channel A, Channel B, User Ann, User Bob, Message[] M)> SearchSceneAsync()
    {
        var (workspace, ann) = await NewWorkspaceAsync();
        var bob = await NewUserAsync();
        var a = await NewChannelAsync(workspace, ann);
        var b = await NewChannelAsync(workspace, ann);
        var m1 = await PostAtAsync(a, ann, "deploy the release", Day0.AddHours(10));
        var m2 = await PostAtAsync(a, bob, "deploy done", Day0.AddDays(1).AddHours(10));
        var m3 = await PostAtAsync(a, bob, "deploy reply", Day0.AddDays(2).AddHours(10), m1.Id);
        var m4 = await PostAtAsync(b, ann, "deploy elsewhere", Day0.AddDays(2).AddHours(11));
        var m5 = await PostAtAsync(a, ann, "deploy deleted", Day0.AddDays(2).AddHours(12));
        Assert.NotNull(await _store.Messages.DeleteAsync(workspace.Id, m5.Id, Day0.AddDays(2).AddHours(13)));
        return (workspace, a, b, ann, bob, [m1, m2, m3, m4, m5]);
    }

    private async Task<List<Ulid>> FindAsync(Workspace workspace, MessageSearch search) => [.. (await _store.Search.SearchAsync(workspace.Id, search)).Select(m => m.Id)];

    private static List<Ulid> Ids(params Message[] messages) => [.. messages.Select(m => m.Id)];

    private static List<Ulid> Sorted(IEnumerable<Ulid> ids) => [.. ids.Order()];

    [Fact]
    public async Task A_filters_only_search_lists_live_messages_newest_first()
    {
        var (workspace, a, b, _, _, m) = await SearchSceneAsync();

        Assert.Equal(Ids(m[3], m[2], m[1], m[0]), await FindAsync(workspace, new MessageSearch([a.Id, b.Id], "", 10)));
        Assert.Equal(Ids(m[3], m[2]), await FindAsync(workspace, new MessageSearch([a.Id, b.Id], "  ", 2)));
        Assert.Equal(Ids(m[2], m[1], m[0]), await FindAsync(workspace, new MessageSearch([a.Id], "", 10)));
        Assert.Empty(await FindAsync(workspace, new MessageSearch([], "", 10)));
        var (other, _) = await NewWorkspaceAsync();
        Assert.Empty(await FindAsync(other, new MessageSearch([a.Id, b.Id], "", 10)));
    }

    [Fact]
    public async Task Search_filters_narrow_by_author_time_and_thread_and_combine_with_text()
    {
        var (workspace, a, b, ann, bob, m) = await SearchSceneAsync();
        var both = new[] { a.Id, b.Id };

        Assert.Equal(Sorted(Ids(m[1], m[2])), Sorted(await FindAsync(workspace, new MessageSearch(both, "deploy", 10) { AuthorIds = [bob.Id] })));
        Assert.Equal(Ids(m[3], m[0]), await FindAsync(workspace, new MessageSearch(both, "", 10) { AuthorIds = [ann.Id] }));
        Assert.Equal(Ids(m[3], m[2], m[1], m[0]), await FindAsync(workspace, new MessageSearch(both, "", 10) { AuthorIds = [ann.Id, bob.Id] }));
        Assert.Empty(await FindAsync(workspace, new MessageSearch(both, "", 10) { AuthorIds = [Ulid.NewUlid()] }));

        Assert.Equal(Ids(m[2]), await FindAsync(workspace, new MessageSearch(both, "deploy", 10) { Thread = SearchThreadFilter.RepliesOnly }));
        Assert.Equal(Sorted(Ids(m[0], m[1], m[3])), Sorted(await FindAsync(workspace, new MessageSearch(both, "deploy", 10) { Thread = SearchThreadFilter.TopLevelOnly })));
        Assert.Equal(Ids(m[1], m[0]), await FindAsync(workspace, new MessageSearch([a.Id], "", 10) { Thread = SearchThreadFilter.TopLevelOnly }));

        // Time bounds: before is exclusive, on-or-after inclusive, both to the tick.
        Assert.Equal(Ids(m[0]), await FindAsync(workspace, new MessageSearch(both, "deploy", 10) { CreatedBefore = Day0.AddDays(1) }));
        Assert.Equal(Ids(m[3], m[2]), await FindAsync(workspace, new MessageSearch(both, "", 10) { CreatedOnOrAfter = Day0.AddDays(2) }));
        Assert.Equal(Ids(m[1]), await FindAsync(workspace, new MessageSearch(both, "", 10) { CreatedOnOrAfter = m[1].CreatedAt, CreatedBefore = m[2].CreatedAt }));
        Assert.Empty(await FindAsync(workspace, new MessageSearch(both, "", 10) { CreatedOnOrAfter = Day0.AddDays(2), CreatedBefore = Day0.AddDays(1) }));

        // All of it at once: text, channel, author, time and thread.
        Assert.Equal(Ids(m[2]), await FindAsync(workspace, new MessageSearch([a.Id], "reply", 10)
        {
            AuthorIds = [bob.Id],
            CreatedOnOrAfter = Day0.AddDays(1),
            CreatedBefore = Day0.AddDays(3),
            Thread = SearchThreadFilter.RepliesOnly,
        }));
        Assert.Empty(await FindAsync(workspace, new MessageSearch([b.Id], "reply", 10) { AuthorIds = [bob.Id] }));
    }

    [Fact]
    public async Task Deleted_messages_never_match_and_text_without_words_matches_nothing()
    {
        var (workspace, a, b, ann, _, m) = await SearchSceneAsync();

        Assert.DoesNotContain(m[4].Id, await FindAsync(workspace, new MessageSearch([a.Id, b.Id], "", 10) { AuthorIds = [ann.Id] }));
        Assert.Empty(await FindAsync(workspace, new MessageSearch([a.Id, b.Id], "deleted", 10)));
        Assert.Empty(await FindAsync(workspace, new MessageSearch([a.Id, b.Id], "!!!", 10) { AuthorIds = [ann.Id] }));
    }
}
