using NUlid;

namespace Tanager.Tests.Storage;

/// <summary>Direct and group messages: one per pair under a unique key, members from the start, invisible in others' lists.</summary>
public abstract partial class StorageSpecification
{
    private async Task<User> NewWorkspaceMemberAsync(Workspace workspace)
    {
        var user = await NewUserAsync();
        await _store.Workspaces.TryAddMemberAsync(new WorkspaceMember(workspace.Id, user.Id, WorkspaceRole.Member, At(3)));
        return user;
    }

    private static Channel NewDirectMessage(Workspace workspace, ChannelKind kind, string? key, int second)
    {
        var id = Ulid.NewUlid(At(second));
        return new Channel(workspace.Id, id, "dm-" + id.ToString().ToLowerInvariant(), kind, null, 0, At(second), At(second)) { DirectMessageKey = key };
    }

    private static List<ChannelMember> Participants(Channel channel, params User[] users) =>
        [.. users.Select(u => new ChannelMember(channel.WorkspaceId, channel.Id, u.Id, channel.CreatedAt)).OrderBy(m => m.UserId)];

    [Fact]
    public async Task A_direct_message_is_created_with_both_participants_and_read_back_with_its_kind_and_key()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var other = await NewWorkspaceMemberAsync(workspace);
        var key = Channel.DirectMessageKeyOf(owner.Id, other.Id);
        var direct = NewDirectMessage(workspace, ChannelKind.Direct, key, 10);

        Assert.True(await _store.Channels.TryCreateDirectMessageAsync(direct, Participants(direct, owner, other)));

        Assert.Equal(direct, await _store.Channels.GetAsync(workspace.Id, direct.Id));
        Assert.Equal(direct, await _store.Channels.FindDirectMessageAsync(workspace.Id, key));
        Assert.Equal(direct, (await _store.Channels.GetAccessAsync(workspace.Id, direct.Id, other.Id))!.Channel);
        Assert.True((await _store.Channels.GetAccessAsync(workspace.Id, direct.Id, other.Id))!.IsMember);
        Assert.Contains(direct.Id, await _store.Channels.ListMembershipsAsync(workspace.Id, owner.Id));
        var listed = Assert.Single(await _store.Channels.ListDirectMessagesAsync(workspace.Id, other.Id));
        Assert.Equal(direct, listed.Channel);
        Assert.Equal(new[] { owner.Id, other.Id }.Order(), listed.Participants);
        Assert.Null(await _store.Channels.FindDirectMessageAsync(workspace.Id, Channel.DirectMessageKeyOf(owner.Id, Ulid.NewUlid())));
    }

    [Fact]
    public async Task A_second_direct_message_for_the_same_pair_is_refused_even_when_both_are_created_at_once()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var other = await NewWorkspaceMemberAsync(workspace);
        var key = Channel.DirectMessageKeyOf(other.Id, owner.Id);
        var attempts = Enumerable.Range(0, 10).Select(i => NewDirectMessage(workspace, ChannelKind.Direct, key, 10 + i)).ToList();

        var created = await Task.WhenAll(attempts.Select(c => _store.Channels.TryCreateDirectMessageAsync(c, Participants(c, owner, other)).AsTask()));

        Assert.Single(created, c => c);
        var winner = attempts[Array.IndexOf(created, true)];
        Assert.Equal(winner, await _store.Channels.FindDirectMessageAsync(workspace.Id, key));
        Assert.Equal(winner.Id, Assert.Single(await _store.Channels.ListDirectMessagesAsync(workspace.Id, owner.Id)).Channel.Id);
        foreach (var loser in attempts.Where(c => c.Id != winner.Id))
        {
            Assert.Null(await _store.Channels.GetAsync(workspace.Id, loser.Id));
            Assert.Empty(await _store.Channels.ListChannelMembersAsync(workspace.Id, loser.Id, null, 10));
        }
    }

    [Fact]
    public async Task Group_messages_need_no_key_and_each_lists_only_for_its_participants_newest_first()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var second = await NewWorkspaceMemberAsync(workspace);
        var third = await NewWorkspaceMemberAsync(workspace);
        var outsider = await NewWorkspaceMemberAsync(workspace);
        var first = NewDirectMessage(workspace, ChannelKind.Group, null, 10);
        var again = NewDirectMessage(workspace, ChannelKind.Group, null, 11);
        var direct = NewDirectMessage(workspace, ChannelKind.Direct, Channel.DirectMessageKeyOf(owner.Id, second.Id), 12);
        Assert.True(await _store.Channels.TryCreateDirectMessageAsync(first, Participants(first, owner, second, third)));
        Assert.True(await _store.Channels.TryCreateDirectMessageAsync(again, Participants(again, owner, second, third)));
        Assert.True(await _store.Channels.TryCreateDirectMessageAsync(direct, Participants(direct, owner, second)));
        await NewChannelAsync(workspace, owner, "general");

        var owners = await _store.Channels.ListDirectMessagesAsync(workspace.Id, owner.Id);
        Assert.Equal([direct.Id, again.Id, first.Id], owners.Select(d => d.Channel.Id));
        Assert.Equal(ChannelKind.Group, owners[1].Channel.Kind);
        Assert.Null(owners[1].Channel.DirectMessageKey);
        Assert.Equal(new[] { owner.Id, second.Id, third.Id }.Order(), owners[1].Participants);
        Assert.Equal([again.Id, first.Id], (await _store.Channels.ListDirectMessagesAsync(workspace.Id, third.Id)).Select(d => d.Channel.Id));
        Assert.Empty(await _store.Channels.ListDirectMessagesAsync(workspace.Id, outsider.Id));

        Assert.True(await _store.Channels.TryRemoveMemberAsync(workspace.Id, first.Id, third.Id));
        Assert.Equal([again.Id], (await _store.Channels.ListDirectMessagesAsync(workspace.Id, third.Id)).Select(d => d.Channel.Id));
        Assert.Equal(new[] { owner.Id, second.Id }.Order(), (await _store.Channels.ListDirectMessagesAsync(workspace.Id, owner.Id)).Single(d => d.Channel.Id == first.Id).Participants);
    }

    [Fact]
    public async Task The_same_pair_in_another_workspace_has_its_own_direct_message()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var other = await NewWorkspaceMemberAsync(workspace);
        var elsewhere = new Workspace(Ulid.NewUlid(), "Elsewhere", owner.Id, At(1), At(1));
        await _store.Workspaces.CreateAsync(elsewhere, new WorkspaceMember(elsewhere.Id, owner.Id, WorkspaceRole.Owner, At(1)));
        await _store.Workspaces.TryAddMemberAsync(new WorkspaceMember(elsewhere.Id, other.Id, WorkspaceRole.Member, At(3)));
        var key = Channel.DirectMessageKeyOf(owner.Id, other.Id);
        var here = NewDirectMessage(workspace, ChannelKind.Direct, key, 10);
        var there = NewDirectMessage(elsewhere, ChannelKind.Direct, key, 11);

        Assert.True(await _store.Channels.TryCreateDirectMessageAsync(here, Participants(here, owner, other)));
        Assert.True(await _store.Channels.TryCreateDirectMessageAsync(there, Participants(there, owner, other)));

        Assert.Equal(here.Id, (await _store.Channels.FindDirectMessageAsync(workspace.Id, key))!.Id);
        Assert.Equal(there.Id, (await _store.Channels.FindDirectMessageAsync(elsewhere.Id, key))!.Id);
        Assert.Equal(here.Id, Assert.Single(await _store.Channels.ListDirectMessagesAsync(workspace.Id, other.Id)).Channel.Id);
    }
}
