using System.Collections.Concurrent;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>Direct and group messages end to end through the SDK: one per pair, live to participants, invisible to everyone else.</summary>
public sealed class DirectMessageTests
{
    private static async Task<TanagerApiException> RefusedAsync(Func<Task> call) => await Assert.ThrowsAsync<TanagerApiException>(call);

    private static async Task<(TestServer Server, TanagerClient Owner, WorkspaceDto Workspace)> WorkspaceAsync(TestStorage storage)
    {
        var server = await TestServer.StartAsync(storage);
        var owner = await server.NewUserAsync("Owner");
        return (server, owner, await owner.CreateWorkspaceAsync("Acme"));
    }

    private static async Task<TanagerClient> JoinAsync(TestServer server, TanagerClient owner, WorkspaceDto workspace, string role = "member")
    {
        var user = await server.NewUserAsync(role);
        await owner.AddWorkspaceMemberByIdAsync(workspace.Id, user.User!.Id, role);
        return user;
    }

    /// <summary>Every event the client's gateway receives, in order.</summary>
    private static async Task<ConcurrentQueue<GatewayDispatch>> ListenAsync(TanagerClient client)
    {
        var heard = new ConcurrentQueue<GatewayDispatch>();
        client.Gateway.Dispatched += d => { heard.Enqueue(d); return Task.CompletedTask; };
        await client.Gateway.ConnectAsync().Within();
        return heard;
    }

    private static bool Mentions(GatewayDispatch dispatch, string channelId) => dispatch.Data.GetRawText().Contains(channelId, StringComparison.Ordinal);

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_direct_message_reaches_the_other_side_live_and_opening_it_again_from_either_side_returns_it(TestStorage storage)
    {
        var (server, ann, workspace) = await WorkspaceAsync(storage);
        await using var _ = server;
        var bob = await JoinAsync(server, ann, workspace);
        var created = new TaskCompletionSource<ChannelDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        var added = new TaskCompletionSource<ChannelMemberDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        var message = new TaskCompletionSource<MessageDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.Gateway.ChannelCreated += c => { created.TrySetResult(c); return Task.CompletedTask; };
        bob.Gateway.ChannelMemberAdded += m => { if (m.UserId == bob.User!.Id) { added.TrySetResult(m); } return Task.CompletedTask; };
        bob.Gateway.MessageCreated += m => { message.TrySetResult(m); return Task.CompletedTask; };
        await bob.Gateway.ConnectAsync().Within();

        var direct = await ann.OpenDirectMessageAsync(workspace.Id, bob.User!.Id);

        Assert.Equal("direct", direct.Kind);
        Assert.Equal(new[] { ann.User!.Id, bob.User.Id }.Order(StringComparer.Ordinal), direct.Participants);
        var heard = await created.Task.Within();
        Assert.Equal((direct.Id, "direct"), (heard.Id, heard.Kind));
        Assert.Equal(direct.Participants, heard.Participants);
        Assert.Equal(direct.Id, (await added.Task.Within()).ChannelId);
        await ann.PostMessageAsync(workspace.Id, direct.Id, "Hi Bob, just us");
        var first = await message.Task.Within();
        Assert.Equal((direct.Id, "Hi Bob, just us", 1L), (first.ChannelId, first.Content, first.Sequence));

        Assert.Equal(direct.Id, (await bob.OpenDirectMessageAsync(workspace.Id, ann.User.Id)).Id);
        Assert.Equal(direct.Id, (await ann.OpenDirectMessageAsync(workspace.Id, bob.User.Id, ann.User.Id)).Id);
        await bob.PostMessageAsync(workspace.Id, direct.Id, "Hi Ann");
        Assert.Equal(["Hi Bob, just us", "Hi Ann"], (await ann.GetMessagesAsync(workspace.Id, direct.Id)).Messages.Select(m => m.Content));
        var bobs = Assert.Single(await bob.ListDirectMessagesAsync(workspace.Id));
        Assert.Equal(direct.Id, bobs.Id);
        Assert.Equal(direct.Participants, bobs.Participants);
        Assert.Equal(1, bobs.UnreadCount);
        Assert.DoesNotContain(await bob.ListChannelsAsync(workspace.Id), c => c.Id == direct.Id);
        // Clients name a direct message after the other participant, wherever they first see it: GET and READY carry them too.
        Assert.Equal(direct.Participants, (await bob.GetChannelAsync(workspace.Id, direct.Id)).Participants);
        var ready = new TaskCompletionSource<ReadyData>(TaskCreationOptions.RunContinuationsAsynchronously);
        ann.Gateway.Ready += r => { ready.TrySetResult(r); return Task.CompletedTask; };
        await ann.Gateway.ConnectAsync().Within();
        var inReady = (await ready.Task.Within()).Workspaces.Single(w => w.Workspace.Id == workspace.Id).Channels.Single(c => c.Id == direct.Id);
        Assert.Equal(direct.Participants, inReady.Participants);

        // A direct message is not a channel to manage: it cannot be left, renamed, archived, added to or given overrides.
        Assert.Equal(403, (await RefusedAsync(() => ann.LeaveChannelAsync(workspace.Id, direct.Id))).Status);
        Assert.Equal(403, (await RefusedAsync(() => ann.UpdateChannelAsync(workspace.Id, direct.Id, name: "ours"))).Status);
        Assert.Equal(403, (await RefusedAsync(() => ann.ArchiveChannelAsync(workspace.Id, direct.Id))).Status);
        Assert.Equal(403, (await RefusedAsync(() => ann.SetChannelOverrideAsync(workspace.Id, direct.Id, "member", [], ["add_reactions"]))).Status);
        Assert.Equal(403, (await RefusedAsync(() => ann.DeleteChannelAsync(workspace.Id, direct.Id))).Status);
        await bob.DisposeAsync();
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Ten_concurrent_opens_from_both_sides_make_one_direct_message(TestStorage storage)
    {
        var (server, ann, workspace) = await WorkspaceAsync(storage);
        await using var _ = server;
        var bob = await JoinAsync(server, ann, workspace);

        var opened = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => i % 2 == 0
            ? ann.OpenDirectMessageAsync(workspace.Id, bob.User!.Id)
            : bob.OpenDirectMessageAsync(workspace.Id, ann.User!.Id)));

        Assert.Single(opened.Select(c => c.Id).Distinct());
        Assert.Equal(opened[0].Id, Assert.Single(await ann.ListDirectMessagesAsync(workspace.Id)).Id);
        Assert.Equal(opened[0].Id, Assert.Single(await bob.ListDirectMessagesAsync(workspace.Id)).Id);
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Nobody_outside_a_direct_message_can_see_read_post_search_or_hear_it_not_even_the_owner(TestStorage storage)
    {
        var (server, owner, workspace) = await WorkspaceAsync(storage);
        await using var _ = server;
        var ann = await JoinAsync(server, owner, workspace);
        var bob = await JoinAsync(server, owner, workspace);
        var carol = await JoinAsync(server, owner, workspace);
        var carolHeard = await ListenAsync(carol);
        var ownerHeard = await ListenAsync(owner);
        var bobMessage = new TaskCompletionSource<MessageDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.Gateway.MessageCreated += m => { bobMessage.TrySetResult(m); return Task.CompletedTask; };
        await bob.Gateway.ConnectAsync().Within();

        var direct = await ann.OpenDirectMessageAsync(workspace.Id, bob.User!.Id);
        await Eventually.UntilAsync(async () => (await bob.ListDirectMessagesAsync(workspace.Id)).Count == 1);
        var secret = await ann.PostMessageAsync(workspace.Id, direct.Id, "zanzibar plans");
        await ann.AddReactionAsync(workspace.Id, direct.Id, secret.Id, "👍");
        Assert.Equal(secret.Id, (await bobMessage.Task.Within()).Id);
        Assert.Single((await bob.SearchAsync(workspace.Id, "zanzibar")).Messages);

        foreach (var outsider in new[] { carol, owner })
        {
            Assert.Equal(404, (await RefusedAsync(() => outsider.GetChannelAsync(workspace.Id, direct.Id))).Status);
            Assert.Equal(404, (await RefusedAsync(() => outsider.GetMessagesAsync(workspace.Id, direct.Id))).Status);
            Assert.Equal(404, (await RefusedAsync(() => outsider.PostMessageAsync(workspace.Id, direct.Id, "let me in"))).Status);
            Assert.Equal(404, (await RefusedAsync(() => outsider.JoinChannelAsync(workspace.Id, direct.Id))).Status);
            Assert.Equal(404, (await RefusedAsync(() => outsider.AddReactionAsync(workspace.Id, direct.Id, secret.Id, "👀"))).Status);
            Assert.Equal(404, (await RefusedAsync(() => outsider.ListChannelMembersAsync(workspace.Id, direct.Id))).Status);
            Assert.Equal(404, (await RefusedAsync(() => outsider.KickChannelMemberAsync(workspace.Id, direct.Id, bob.User.Id))).Status);
            Assert.Equal(404, (await RefusedAsync(() => outsider.DeleteChannelAsync(workspace.Id, direct.Id))).Status);
            Assert.Empty((await outsider.SearchAsync(workspace.Id, "zanzibar")).Messages);
            Assert.Empty(await outsider.ListDirectMessagesAsync(workspace.Id));
            Assert.DoesNotContain(await outsider.ListChannelsAsync(workspace.Id), c => c.Id == direct.Id);
        }
        // A marker on a public channel: once it arrives, anything about the direct message would have arrived too.
        var marker = await owner.CreateChannelAsync(workspace.Id, "marker");
        Assert.True(await Eventually.Until(() => carolHeard.Any(d => Mentions(d, marker.Id))));
        Assert.DoesNotContain(carolHeard, d => Mentions(d, direct.Id));
        Assert.DoesNotContain(ownerHeard, d => Mentions(d, direct.Id));
        await carol.DisposeAsync();
        await owner.DisposeAsync();
        await bob.DisposeAsync();
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_group_of_three_talks_privately_and_a_participant_may_leave_but_nobody_is_added(TestStorage storage)
    {
        var (server, ann, workspace) = await WorkspaceAsync(storage);
        await using var _ = server;
        var bob = await JoinAsync(server, ann, workspace);
        var carol = await JoinAsync(server, ann, workspace);
        var dave = await JoinAsync(server, ann, workspace);
        var carolMessage = new TaskCompletionSource<MessageDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        var carolJoined = new TaskCompletionSource<ChannelMemberDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        carol.Gateway.ChannelMemberAdded += m => { if (m.UserId == carol.User!.Id) { carolJoined.TrySetResult(m); } return Task.CompletedTask; };
        carol.Gateway.MessageCreated += m => { carolMessage.TrySetResult(m); return Task.CompletedTask; };
        await carol.Gateway.ConnectAsync().Within();

        var group = await ann.OpenDirectMessageAsync(workspace.Id, bob.User!.Id, carol.User!.Id);

        Assert.Equal("group", group.Kind);
        Assert.Equal(new[] { ann.User!.Id, bob.User.Id, carol.User.Id }.Order(StringComparer.Ordinal), group.Participants);
        await carolJoined.Task.Within();
        await bob.PostMessageAsync(workspace.Id, group.Id, "three of us");
        Assert.Equal((group.Id, "three of us"), ((await carolMessage.Task.Within()).ChannelId, (await carolMessage.Task).Content));
        Assert.Equal(group.Id, Assert.Single(await carol.ListDirectMessagesAsync(workspace.Id)).Id);
        Assert.Equal(404, (await RefusedAsync(() => dave.GetMessagesAsync(workspace.Id, group.Id))).Status);
        Assert.Equal(403, (await RefusedAsync(() => ann.AddChannelMemberAsync(workspace.Id, group.Id, dave.User!.Id))).Status);
        Assert.Equal(403, (await RefusedAsync(() => ann.KickChannelMemberAsync(workspace.Id, group.Id, bob.User.Id))).Status);

        await carol.LeaveChannelAsync(workspace.Id, group.Id);

        Assert.Empty(await carol.ListDirectMessagesAsync(workspace.Id));
        Assert.Equal(404, (await RefusedAsync(() => carol.GetMessagesAsync(workspace.Id, group.Id))).Status);
        Assert.Equal(new[] { ann.User.Id, bob.User.Id }.Order(StringComparer.Ordinal), Assert.Single(await bob.ListDirectMessagesAsync(workspace.Id)).Participants);
        Assert.Equal(new[] { ann.User.Id, bob.User.Id }.Order(StringComparer.Ordinal), (await bob.GetChannelAsync(workspace.Id, group.Id)).Participants);
        // Groups are not reused: the same three open a new one.
        Assert.NotEqual(group.Id, (await ann.OpenDirectMessageAsync(workspace.Id, bob.User.Id, carol.User.Id)).Id);
        await carol.DisposeAsync();
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Only_workspace_members_can_be_messaged_and_guests_only_message_people_they_share_a_channel_with(TestStorage storage)
    {
        var (server, owner, workspace) = await WorkspaceAsync(storage);
        await using var _ = server;
        var stranger = await server.NewUserAsync("Stranger");
        var member = await JoinAsync(server, owner, workspace);
        var guest = await JoinAsync(server, owner, workspace, "guest");
        var (ownerId, memberId, guestId, strangerId) = (owner.User!.Id, member.User!.Id, guest.User!.Id, stranger.User!.Id);

        Assert.Equal(404, (await RefusedAsync(() => owner.OpenDirectMessageAsync(workspace.Id, strangerId))).Status);
        Assert.Equal(404, (await RefusedAsync(() => stranger.OpenDirectMessageAsync(workspace.Id, ownerId))).Status);
        Assert.Equal(404, (await RefusedAsync(() => owner.OpenDirectMessageAsync(workspace.Id, "not-an-id"))).Status);
        Assert.Equal(404, (await RefusedAsync(() => owner.OpenDirectMessageAsync(workspace.Id, memberId, strangerId))).Status);
        var refused = await RefusedAsync(() => owner.OpenDirectMessageAsync(workspace.Id, ownerId));
        Assert.Equal((400, "invalid_request"), (refused.Status, refused.Code));
        Assert.Equal(400, (await RefusedAsync(() => owner.OpenDirectMessageAsync(workspace.Id))).Status);
        var tooMany = Enumerable.Range(0, 9).Select(_ => NUlid.Ulid.NewUlid().ToString()).ToArray();
        Assert.Equal(400, (await RefusedAsync(() => owner.OpenDirectMessageAsync(workspace.Id, tooMany))).Status);

        Assert.Equal(403, (await RefusedAsync(() => guest.OpenDirectMessageAsync(workspace.Id, memberId))).Status);
        var shared = await owner.CreateChannelAsync(workspace.Id, "project", kind: "private");
        await owner.AddChannelMemberAsync(workspace.Id, shared.Id, guestId);
        var withOwner = await guest.OpenDirectMessageAsync(workspace.Id, ownerId);
        await guest.PostMessageAsync(workspace.Id, withOwner.Id, "hello from the guest");
        Assert.Equal(403, (await RefusedAsync(() => guest.OpenDirectMessageAsync(workspace.Id, memberId))).Status);
        // Members may message a guest; the guest then has a direct message, which is not a shared channel.
        var fromMember = await member.OpenDirectMessageAsync(workspace.Id, guestId);
        Assert.Equal("direct", fromMember.Kind);
        Assert.Equal(403, (await RefusedAsync(() => guest.OpenDirectMessageAsync(workspace.Id, ownerId, memberId))).Status);
    }
}
