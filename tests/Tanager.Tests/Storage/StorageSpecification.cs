using NUlid;

namespace Tanager.Tests.Storage;

/// <summary>
/// What every storage implementation must do. Each backend runs this suite through a subclass that says how to get a
/// fresh, migrated store; the tests never look past the interfaces.
/// </summary>
public abstract partial class StorageSpecification : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private StoreUnderTest _store = null!;

    protected abstract Task<StoreUnderTest> CreateStoreAsync();

    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        await _store.MigrateAsync();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static DateTimeOffset At(int seconds) => T0.AddSeconds(seconds).AddTicks(1230); // a sub-millisecond part that must survive

    private async Task<User> NewUserAsync(string? email = null)
    {
        var user = new User(Ulid.NewUlid(), email ?? $"{Guid.NewGuid():N}@example.test", "Someone", "$argon2id$fake", At(0), At(0));
        Assert.True(await _store.Users.TryCreateAsync(user));
        return user;
    }

    private async Task<(Workspace Workspace, User Owner)> NewWorkspaceAsync()
    {
        var owner = await NewUserAsync();
        var workspace = new Workspace(Ulid.NewUlid(), "Acme", owner.Id, At(1), At(1));
        await _store.Workspaces.CreateAsync(workspace, new WorkspaceMember(workspace.Id, owner.Id, WorkspaceRole.Owner, At(1)));
        return (workspace, owner);
    }

    private async Task<Channel> NewChannelAsync(Workspace workspace, User creator, string? name = null, ChannelKind kind = ChannelKind.Public)
    {
        var channel = new Channel(workspace.Id, Ulid.NewUlid(), name ?? "c" + Guid.NewGuid().ToString("N")[..8], kind, "a topic", 0, At(2), At(2));
        Assert.True(await _store.Channels.TryCreateAsync(channel, new ChannelMember(workspace.Id, channel.Id, creator.Id, At(2))));
        return channel;
    }

    private static NewMessage Draft(Channel channel, User author, string content, int second = 3) =>
        new(channel.WorkspaceId, channel.Id, Ulid.NewUlid(), author.Id, content, null, At(second));

    private async Task<List<Message>> PostAsync(Channel channel, User author, params string[] contents) =>
        [.. await _store.Messages.AppendAsync([.. contents.Select(c => Draft(channel, author, c))])];

    [Fact]
    public async Task A_user_reads_back_exactly_as_written()
    {
        var user = await NewUserAsync("Exact@Example.test");
        Assert.Equal(user, await _store.Users.GetAsync(user.Id));
        Assert.Equal(user, await _store.Users.FindByEmailAsync("exact@EXAMPLE.test"));
        Assert.Null(await _store.Users.GetAsync(Ulid.NewUlid()));
        Assert.Null(await _store.Users.FindByEmailAsync("nobody@example.test"));
    }

    [Fact]
    public async Task An_email_is_taken_whatever_its_case()
    {
        await NewUserAsync("taken@example.test");
        var second = new User(Ulid.NewUlid(), "TAKEN@example.test", "Other", "x", At(0), At(0));
        Assert.False(await _store.Users.TryCreateAsync(second));
        Assert.Null(await _store.Users.GetAsync(second.Id));
    }

    [Fact]
    public async Task Sessions_are_found_by_token_hash_and_deleted()
    {
        var user = await NewUserAsync();
        var session = new UserSession(Ulid.NewUlid(), System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), user.Id, CredentialKind.Login, At(0), At(3600));
        await _store.Users.CreateSessionAsync(session);
        var found = await _store.Users.GetSessionAsync([.. session.TokenHash]);
        Assert.NotNull(found);
        Assert.Equal(session.TokenHash, found.Session.TokenHash);
        Assert.Equal((session.UserId, session.CreatedAt, session.ExpiresAt), (found.Session.UserId, found.Session.CreatedAt, found.Session.ExpiresAt));
        Assert.Equal(user, found.User);
        await _store.Users.DeleteSessionAsync(session.TokenHash);
        Assert.Null(await _store.Users.GetSessionAsync(session.TokenHash));
    }

    [Fact]
    public async Task A_workspace_is_created_with_its_owner_and_lists_its_members_in_joining_order()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        Assert.Equal(workspace, await _store.Workspaces.GetAsync(workspace.Id));
        Assert.Equal(WorkspaceRole.Owner, (await _store.Workspaces.GetMemberAsync(workspace.Id, owner.Id))!.Role);
        var guest = await NewUserAsync();
        var membership = new WorkspaceMember(workspace.Id, guest.Id, WorkspaceRole.Guest, At(5));
        Assert.True(await _store.Workspaces.TryAddMemberAsync(membership));
        Assert.False(await _store.Workspaces.TryAddMemberAsync(membership with { Role = WorkspaceRole.Admin }));

        var members = await _store.Workspaces.ListMembersAsync(workspace.Id);
        Assert.Equal([owner.Id, guest.Id], members.Select(m => m.UserId));
        Assert.Equal(membership, members[1]);
        var forGuest = Assert.Single(await _store.Workspaces.ListForUserAsync(guest.Id));
        Assert.Equal((workspace, membership), forGuest);
        Assert.Null(await _store.Workspaces.GetMemberAsync(Ulid.NewUlid(), owner.Id));
    }

    [Fact]
    public async Task Channel_names_are_unique_per_workspace_and_a_refused_channel_leaves_nothing_behind()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var general = await NewChannelAsync(workspace, owner, "general");
        var clash = general with { Id = Ulid.NewUlid() };
        Assert.False(await _store.Channels.TryCreateAsync(clash, new ChannelMember(workspace.Id, clash.Id, owner.Id, At(2))));
        Assert.Null(await _store.Channels.GetAsync(workspace.Id, clash.Id));
        Assert.Null(await _store.Channels.GetMemberAsync(workspace.Id, clash.Id, owner.Id));

        var (other, otherOwner) = await NewWorkspaceAsync();
        await NewChannelAsync(other, otherOwner, "general");
        Assert.Equal(general, await _store.Channels.GetAsync(workspace.Id, general.Id));
        Assert.Null(await _store.Channels.GetAsync(other.Id, general.Id));
    }

    [Fact]
    public async Task Channels_list_by_name_and_membership_is_tracked_per_user()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var zeta = await NewChannelAsync(workspace, owner, "zeta");
        var alpha = await NewChannelAsync(workspace, owner, "alpha", ChannelKind.Private);
        Assert.Equal(["alpha", "zeta"], (await _store.Channels.ListAsync(workspace.Id)).Select(c => c.Name));
        Assert.Equal(ChannelKind.Private, (await _store.Channels.GetAsync(workspace.Id, alpha.Id))!.Kind);

        var member = await NewUserAsync();
        var joined = new ChannelMember(workspace.Id, zeta.Id, member.Id, At(9));
        Assert.True(await _store.Channels.TryAddMemberAsync(joined));
        Assert.False(await _store.Channels.TryAddMemberAsync(joined));
        Assert.Equal(joined, await _store.Channels.GetMemberAsync(workspace.Id, zeta.Id, member.Id));
        Assert.Equal([zeta.Id], await _store.Channels.ListMembershipsAsync(workspace.Id, member.Id));
        Assert.Equal(new HashSet<Ulid> { zeta.Id, alpha.Id }, (await _store.Channels.ListMembershipsAsync(workspace.Id, owner.Id)).ToHashSet());

        Assert.True(await _store.Channels.TryRemoveMemberAsync(workspace.Id, zeta.Id, member.Id));
        Assert.False(await _store.Channels.TryRemoveMemberAsync(workspace.Id, zeta.Id, member.Id));
        Assert.Empty(await _store.Channels.ListMembershipsAsync(workspace.Id, member.Id));
    }

    [Fact]
    public async Task Channel_access_tells_role_channel_and_membership_in_one_lookup()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var channel = await NewChannelAsync(workspace, owner);
        var guest = await NewUserAsync();
        await _store.Workspaces.TryAddMemberAsync(new WorkspaceMember(workspace.Id, guest.Id, WorkspaceRole.Guest, At(4)));
        var outsider = await NewUserAsync();

        Assert.Equal(new ChannelAccess(WorkspaceRole.Owner, channel, true), await _store.Channels.GetAccessAsync(workspace.Id, channel.Id, owner.Id));
        Assert.Equal(new ChannelAccess(WorkspaceRole.Guest, channel, false), await _store.Channels.GetAccessAsync(workspace.Id, channel.Id, guest.Id));
        Assert.Equal(new ChannelAccess(WorkspaceRole.Guest, null, false), await _store.Channels.GetAccessAsync(workspace.Id, Ulid.NewUlid(), guest.Id));
        Assert.Null(await _store.Channels.GetAccessAsync(workspace.Id, channel.Id, outsider.Id));
        var (other, _) = await NewWorkspaceAsync();
        Assert.Null(await _store.Channels.GetAccessAsync(other.Id, channel.Id, owner.Id));
    }

    [Fact]
    public async Task Appending_numbers_each_channel_from_one_in_list_order_and_reads_back_exactly()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var a = await NewChannelAsync(workspace, owner);
        var b = await NewChannelAsync(workspace, owner);
        var drafts = new[] { Draft(a, owner, "a1"), Draft(b, owner, "b1"), Draft(a, owner, "a2"), Draft(a, owner, "a3"), Draft(b, owner, "b2") };

        var stored = await _store.Messages.AppendAsync(drafts);

        Assert.Equal([1L, 1, 2, 3, 2], stored.Select(m => m.Sequence));
        Assert.Equal(stored.Select(m => m.Sequence), stored.Select(m => m.ChangeSequence));
        Assert.Equal(drafts.Select(d => d.Id), stored.Select(m => m.Id));
        Assert.Equal(3, (await _store.Channels.GetAsync(workspace.Id, a.Id))!.LastSequence);
        var first = stored[0];
        Assert.Equal(first, await _store.Messages.GetAsync(workspace.Id, first.Id));
        Assert.Equal(At(3), first.CreatedAt);
        Assert.Null(first.ThreadId);
        Assert.Null(first.EditedAt);
    }

    [Fact]
    public async Task One_batch_may_span_workspaces_and_numbers_each_channel_on_its_own()
    {
        var (first, firstOwner) = await NewWorkspaceAsync();
        var (second, secondOwner) = await NewWorkspaceAsync();
        var a = await NewChannelAsync(first, firstOwner);
        var b = await NewChannelAsync(second, secondOwner);

        var stored = await _store.Messages.AppendAsync([Draft(a, firstOwner, "a1"), Draft(b, secondOwner, "b1"), Draft(a, firstOwner, "a2"), Draft(b, secondOwner, "b2")]);

        Assert.Equal(["a1", "b1", "a2", "b2"], stored.Select(m => m.Content));
        Assert.Equal([1L, 1, 2, 2], stored.Select(m => m.Sequence));
        Assert.Equal(["a1", "a2"], (await _store.Messages.ListAsync(first.Id, a.Id, new HistoryQuery(null, null, 10))).Messages.Select(m => m.Content));
    }

    [Fact]
    public async Task A_repeated_nonce_returns_the_first_message_and_takes_no_number()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var channel = await NewChannelAsync(workspace, owner);
        var other = await NewChannelAsync(workspace, owner);
        var first = (await _store.Messages.AppendAsync([Draft(channel, owner, "hello") with { Nonce = "n-1" }]))[0];

        var again = await _store.Messages.AppendAsync([
            Draft(channel, owner, "hello, retried") with { Nonce = "n-1" },
            Draft(channel, owner, "new") with { Nonce = "n-2" },
            Draft(channel, owner, "new, twice in one batch") with { Nonce = "n-2" },
            Draft(other, owner, "same nonce, other channel") with { Nonce = "n-1" },
            Draft(channel, owner, "no nonce")]);

        Assert.Equal(first, again[0]);
        Assert.Equal("n-1", again[0].Nonce);
        Assert.Equal((2L, "new"), (again[1].Sequence, again[1].Content));
        Assert.Equal(again[1], again[2]);
        Assert.Equal((1L, other.Id), (again[3].Sequence, again[3].ChannelId));
        Assert.Equal(3, again[4].Sequence);
        Assert.Equal(3, (await _store.Channels.GetAsync(workspace.Id, channel.Id))!.LastSequence);
        Assert.Equal(["hello", "new", "no nonce"], (await _store.Messages.ListAsync(workspace.Id, channel.Id, new HistoryQuery(null, null, 10))).Messages.Select(m => m.Content));
        Assert.Equal(again[1], await _store.Messages.GetAsync(workspace.Id, again[1].Id));
    }

    [Fact]
    public async Task A_batch_naming_a_missing_channel_stores_nothing_and_takes_no_sequence_number()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var real = await NewChannelAsync(workspace, owner);
        var ghost = real with { Id = Ulid.NewUlid() };
        var good = Draft(real, owner, "would be fine");

        await Assert.ThrowsAnyAsync<Exception>(async () => await _store.Messages.AppendAsync([good, Draft(ghost, owner, "nowhere")]));

        Assert.Null(await _store.Messages.GetAsync(workspace.Id, good.Id));
        Assert.Equal(0, (await _store.Channels.GetAsync(workspace.Id, real.Id))!.LastSequence);
        Assert.Equal(1, (await PostAsync(real, owner, "next"))[0].Sequence);
    }

    [Fact]
    public async Task Concurrent_appends_to_one_channel_never_leave_a_gap_or_a_duplicate()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var channel = await NewChannelAsync(workspace, owner);
        using var start = new SemaphoreSlim(0);
        var writers = Enumerable.Range(0, 50).Select(async w =>
        {
            await start.WaitAsync();
            var mine = new List<long>();
            for (var i = 0; i < 4; i++)
            {
                var batch = await _store.Messages.AppendAsync([Draft(channel, owner, $"w{w}-{i}a"), Draft(channel, owner, $"w{w}-{i}b")]);
                Assert.Equal(batch[0].Sequence + 1, batch[1].Sequence);
                mine.AddRange(batch.Select(m => m.Sequence));
            }
            return mine;
        }).ToList();
        start.Release(50);

        var all = (await Task.WhenAll(writers)).SelectMany(x => x).Order().ToList();

        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), all);
        Assert.Equal(400, (await _store.Channels.GetAsync(workspace.Id, channel.Id))!.LastSequence);
    }

    [Fact]
    public async Task History_pages_backwards_and_forwards_by_sequence()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var channel = await NewChannelAsync(workspace, owner);
        await PostAsync(channel, owner, "1", "2", "3", "4", "5");

        var newest = await _store.Messages.ListAsync(workspace.Id, channel.Id, new HistoryQuery(null, null, 2));
        Assert.Equal(["4", "5"], newest.Messages.Select(m => m.Content));
        Assert.True(newest.HasMore);
        Assert.Equal(5, newest.LastSequence);
        var before = await _store.Messages.ListAsync(workspace.Id, channel.Id, new HistoryQuery(4, null, 3));
        Assert.Equal(["1", "2", "3"], before.Messages.Select(m => m.Content));
        Assert.False(before.HasMore);
        var after = await _store.Messages.ListAsync(workspace.Id, channel.Id, new HistoryQuery(null, 1, 2));
        Assert.Equal(["2", "3"], after.Messages.Select(m => m.Content));
        Assert.True(after.HasMore);
        var empty = await _store.Messages.ListAsync(workspace.Id, Ulid.NewUlid(), new HistoryQuery(null, null, 10));
        Assert.Empty(empty.Messages);
        Assert.False(empty.HasMore);
    }

    [Fact]
    public async Task Changes_since_n_are_the_messages_changed_after_n_in_change_order()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var channel = await NewChannelAsync(workspace, owner);
        await PostAsync(channel, owner, "1", "2", "3", "4");

        var changes = await _store.Messages.ListChangesAsync(workspace.Id, channel.Id, 2, 10);
        Assert.Equal([3L, 4L], changes.Messages.Select(m => m.ChangeSequence));
        Assert.False(changes.HasMore);
        var limited = await _store.Messages.ListChangesAsync(workspace.Id, channel.Id, 0, 3);
        Assert.Equal([1L, 2L, 3L], limited.Messages.Select(m => m.ChangeSequence));
        Assert.True(limited.HasMore);
        Assert.Equal(4, limited.LastSequence);
        Assert.Empty((await _store.Messages.ListChangesAsync(workspace.Id, channel.Id, 4, 10)).Messages);
    }

    [Fact]
    public async Task Search_ranks_matches_and_looks_only_in_the_channels_given()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var open = await NewChannelAsync(workspace, owner);
        var hidden = await NewChannelAsync(workspace, owner);
        await PostAsync(open, owner, "the deployment pipeline failed again", "deployment deployment deployment: the pipeline is fixed", "lunch?");
        await PostAsync(hidden, owner, "secret deployment pipeline notes");
        var (elsewhere, stranger) = await NewWorkspaceAsync();
        var foreign = await NewChannelAsync(elsewhere, stranger);
        await PostAsync(foreign, stranger, "deployment pipeline in another workspace");

        var hits = await _store.Search.SearchAsync(workspace.Id, [open.Id], "deployment pipeline", 10);

        Assert.Equal(2, hits.Count);
        Assert.StartsWith("deployment deployment", hits[0].Content, StringComparison.Ordinal);
        Assert.All(hits, h => Assert.Equal(open.Id, h.ChannelId));
        Assert.Empty(await _store.Search.SearchAsync(workspace.Id, [open.Id], "pipeline lunch", 10));
        Assert.Empty(await _store.Search.SearchAsync(workspace.Id, [foreign.Id], "deployment", 10));
        Assert.Single(await _store.Search.SearchAsync(workspace.Id, [open.Id], "lunch", 10));
    }

    [Theory]
    [InlineData("\"unbalanced")]
    [InlineData("a AND OR NOT (")]
    [InlineData("*")]
    [InlineData("-")]
    [InlineData("col:umn ^ NEAR()")]
    public async Task Search_accepts_any_text_a_person_types(string query)
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var channel = await NewChannelAsync(workspace, owner);
        await PostAsync(channel, owner, "a column of near text");
        var hits = await _store.Search.SearchAsync(workspace.Id, [channel.Id], query, 10);
        Assert.True(hits.Count <= 1);
    }

    [Fact]
    public async Task Migrating_again_changes_nothing()
    {
        var user = await NewUserAsync();
        await _store.MigrateAsync();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _store.MigrateAsync()));
        Assert.Equal(user, await _store.Users.GetAsync(user.Id));
    }
}
