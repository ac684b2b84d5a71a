using System.Collections.Concurrent;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>Channel settings, archive and delete, private channels, guests, members and overrides, end to end through the SDK.</summary>
public sealed class ChannelFeatureTests
{
    private static async Task<TanagerApiException> RefusedAsync(Func<Task> call) => await Assert.ThrowsAsync<TanagerApiException>(call);

    private static async Task<(TestServer Server, TanagerClient Owner, WorkspaceDto Workspace)> WorkspaceAsync(TestStorage storage)
    {
        var server = await TestServer.StartAsync(storage);
        var owner = await server.NewUserAsync("Owner");
        return (server, owner, await owner.CreateWorkspaceAsync("Acme"));
    }

    private static async Task<TanagerClient> JoinAsync(TestServer server, TanagerClient owner, WorkspaceDto workspace, string role)
    {
        var user = await server.NewUserAsync(role);
        await owner.AddWorkspaceMemberByIdAsync(workspace.Id, user.User!.Id, role);
        return user;
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Managers_rename_archive_and_delete_a_channel_and_members_follow_it_live(TestStorage storage)
    {
        var (server, owner, workspace) = await WorkspaceAsync(storage);
        await using var _ = server;
        var channel = await owner.CreateChannelAsync(workspace.Id, "general");
        var member = await JoinAsync(server, owner, workspace, "member");
        await member.JoinChannelAsync(workspace.Id, channel.Id);
        var updates = new ConcurrentQueue<ChannelDto>();
        var deleted = new TaskCompletionSource<ChannelDeleteDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        member.Gateway.ChannelUpdated += c => { updates.Enqueue(c); return Task.CompletedTask; };
        member.Gateway.ChannelDeleted += d => { deleted.TrySetResult(d); return Task.CompletedTask; };
        await member.Gateway.ConnectAsync().Within();

        var renamed = await owner.UpdateChannelAsync(workspace.Id, channel.Id, name: "announcements", topic: "News", description: "Company news, weekly");
        Assert.Equal(("announcements", "News", "Company news, weekly"), (renamed.Name, renamed.Topic, renamed.Description));
        Assert.True(await Eventually.Until(() => updates.Any(u => u.Name == "announcements" && u.Description == "Company news, weekly")));
        Assert.Null(updates.First().IsMember);
        Assert.Equal(400, (await RefusedAsync(() => owner.UpdateChannelAsync(workspace.Id, channel.Id, name: "Bad Name"))).Status);
        Assert.Equal(403, (await RefusedAsync(() => member.UpdateChannelAsync(workspace.Id, channel.Id, topic: "mine now"))).Status);
        await owner.CreateChannelAsync(workspace.Id, "random");
        Assert.Equal("conflict", (await RefusedAsync(() => owner.UpdateChannelAsync(workspace.Id, channel.Id, name: "random"))).Code);
        var cleared = await owner.UpdateChannelAsync(workspace.Id, channel.Id, topic: "");
        Assert.Null(cleared.Topic);
        Assert.Equal("Company news, weekly", cleared.Description);

        await member.PostMessageAsync(workspace.Id, channel.Id, "before the archive");
        await owner.ArchiveChannelAsync(workspace.Id, channel.Id);
        Assert.True(await Eventually.Until(() => updates.Any(u => u.ArchivedAt is not null)));
        var refused = await RefusedAsync(() => member.PostMessageAsync(workspace.Id, channel.Id, "after"));
        Assert.Equal((403, "channel_archived"), (refused.Status, refused.Code));
        Assert.Single((await member.GetMessagesAsync(workspace.Id, channel.Id)).Messages);
        var late = await JoinAsync(server, owner, workspace, "member");
        Assert.Equal("channel_archived", (await RefusedAsync(() => late.JoinChannelAsync(workspace.Id, channel.Id))).Code);
        Assert.Equal(403, (await RefusedAsync(() => member.UnarchiveChannelAsync(workspace.Id, channel.Id))).Status);
        await owner.UnarchiveChannelAsync(workspace.Id, channel.Id);
        await member.PostMessageAsync(workspace.Id, channel.Id, "open again");

        Assert.Equal(403, (await RefusedAsync(() => member.DeleteChannelAsync(workspace.Id, channel.Id))).Status);
        await owner.DeleteChannelAsync(workspace.Id, channel.Id);
        var gone = await deleted.Task.Within();
        Assert.Equal((workspace.Id, channel.Id), (gone.WorkspaceId, gone.ChannelId));
        Assert.Equal(404, (await RefusedAsync(() => member.GetChannelAsync(workspace.Id, channel.Id))).Status);
        Assert.DoesNotContain(await owner.ListChannelsAsync(workspace.Id), c => c.Id == channel.Id);
        Assert.Equal(404, (await RefusedAsync(() => owner.GetMessagesAsync(workspace.Id, channel.Id))).Status);
        await owner.CreateChannelAsync(workspace.Id, "announcements");
        await member.DisposeAsync();
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_private_channel_is_invisible_to_non_members_until_they_are_added_and_again_once_kicked(TestStorage storage)
    {
        var (server, owner, workspace) = await WorkspaceAsync(storage);
        await using var _ = server;
        var member = await JoinAsync(server, owner, workspace, "member");
        var outsider = await JoinAsync(server, owner, workspace, "member");
        var secret = await owner.CreateChannelAsync(workspace.Id, "secret", kind: "private");
        await owner.PostMessageAsync(workspace.Id, secret.Id, "classified plans");
        var added = new TaskCompletionSource<ChannelMemberDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        var removed = new TaskCompletionSource<ChannelMemberDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        var messages = new ConcurrentQueue<MessageDto>();
        member.Gateway.ChannelMemberAdded += m => { if (m.UserId == member.User!.Id) { added.TrySetResult(m); } return Task.CompletedTask; };
        member.Gateway.ChannelMemberRemoved += m => { if (m.UserId == member.User!.Id) { removed.TrySetResult(m); } return Task.CompletedTask; };
        member.Gateway.MessageCreated += m => { messages.Enqueue(m); return Task.CompletedTask; };
        var outsiderUpdates = new ConcurrentQueue<ChannelDto>();
        outsider.Gateway.ChannelUpdated += c => { outsiderUpdates.Enqueue(c); return Task.CompletedTask; };
        await member.Gateway.ConnectAsync().Within();
        await outsider.Gateway.ConnectAsync().Within();

        Assert.DoesNotContain(await member.ListChannelsAsync(workspace.Id), c => c.Id == secret.Id);
        Assert.Equal(404, (await RefusedAsync(() => member.GetChannelAsync(workspace.Id, secret.Id))).Status);
        Assert.Equal(404, (await RefusedAsync(() => member.JoinChannelAsync(workspace.Id, secret.Id))).Status);
        Assert.Equal(404, (await RefusedAsync(() => member.ListChannelMembersAsync(workspace.Id, secret.Id))).Status);
        Assert.Equal(404, (await RefusedAsync(() => member.AddChannelMemberAsync(workspace.Id, secret.Id, member.User!.Id))).Status);
        Assert.Empty((await member.SearchAsync(workspace.Id, "classified")).Messages);

        await owner.AddChannelMemberAsync(workspace.Id, secret.Id, member.User!.Id);
        await added.Task.Within();
        Assert.True((await member.GetChannelAsync(workspace.Id, secret.Id)).IsMember);
        Assert.Single((await member.SearchAsync(workspace.Id, "classified")).Messages);
        await owner.PostMessageAsync(workspace.Id, secret.Id, "welcome");
        Assert.True(await Eventually.Until(() => messages.Any(m => m.Content == "welcome")));
        Assert.Equal(404, (await RefusedAsync(() => owner.AddChannelMemberAsync(workspace.Id, secret.Id, "01J00000000000000000000000"))).Status);

        var page1 = await member.ListChannelMembersAsync(workspace.Id, secret.Id, limit: 1);
        var page2 = await member.ListChannelMembersAsync(workspace.Id, secret.Id, after: page1[^1].UserId, limit: 1);
        Assert.Equal(new[] { owner.User!.Id, member.User!.Id }.Order(StringComparer.Ordinal), page1.Concat(page2).Select(m => m.UserId));
        Assert.Empty(await member.ListChannelMembersAsync(workspace.Id, secret.Id, after: page2[^1].UserId));

        // A private channel's update goes to its members only: the outsider, who hears public updates, never sees it.
        await owner.UpdateChannelAsync(workspace.Id, secret.Id, topic: "still secret");
        var lobby = await owner.CreateChannelAsync(workspace.Id, "lobby");
        await owner.UpdateChannelAsync(workspace.Id, lobby.Id, topic: "marker");
        Assert.True(await Eventually.Until(() => outsiderUpdates.Any(u => u.Topic == "marker")));
        Assert.DoesNotContain(outsiderUpdates, u => u.Id == secret.Id);

        Assert.Equal(403, (await RefusedAsync(() => member.KickChannelMemberAsync(workspace.Id, secret.Id, owner.User!.Id))).Status);
        await owner.KickChannelMemberAsync(workspace.Id, secret.Id, member.User!.Id);
        var kicked = await removed.Task.Within();
        Assert.Equal(secret.Id, kicked.ChannelId);
        Assert.Equal(404, (await RefusedAsync(() => member.GetChannelAsync(workspace.Id, secret.Id))).Status);
        Assert.Equal(404, (await RefusedAsync(() => owner.KickChannelMemberAsync(workspace.Id, secret.Id, member.User!.Id))).Status);
        await member.DisposeAsync();
        await outsider.DisposeAsync();
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Guests_see_only_the_channels_they_were_added_to(TestStorage storage)
    {
        var (server, owner, workspace) = await WorkspaceAsync(storage);
        await using var _ = server;
        var general = await owner.CreateChannelAsync(workspace.Id, "general");
        var project = await owner.CreateChannelAsync(workspace.Id, "project");
        await owner.PostMessageAsync(workspace.Id, general.Id, "quarterly numbers");
        await owner.PostMessageAsync(workspace.Id, project.Id, "project numbers");
        var member = await JoinAsync(server, owner, workspace, "member");
        await member.JoinChannelAsync(workspace.Id, project.Id);
        var guest = await JoinAsync(server, owner, workspace, "guest");

        Assert.Empty(await guest.ListChannelsAsync(workspace.Id));
        Assert.Equal(404, (await RefusedAsync(() => guest.GetChannelAsync(workspace.Id, general.Id))).Status);
        Assert.Equal(404, (await RefusedAsync(() => guest.JoinChannelAsync(workspace.Id, general.Id))).Status);
        Assert.Equal(404, (await RefusedAsync(() => guest.GetMessagesAsync(workspace.Id, general.Id))).Status);
        Assert.Empty((await guest.SearchAsync(workspace.Id, "numbers")).Messages);
        Assert.Equal(403, (await RefusedAsync(() => guest.CreateChannelAsync(workspace.Id, "mine"))).Status);

        // A member brings the guest into the channel they share.
        await member.AddChannelMemberAsync(workspace.Id, project.Id, guest.User!.Id);
        Assert.Equal([project.Id], (await guest.ListChannelsAsync(workspace.Id)).Select(c => c.Id));
        Assert.Equal(["project numbers"], (await guest.SearchAsync(workspace.Id, "numbers")).Messages.Select(m => m.Content));
        await guest.PostMessageAsync(workspace.Id, project.Id, "hello from the guest");
        Assert.Equal(403, (await RefusedAsync(() => guest.AddChannelMemberAsync(workspace.Id, project.Id, member.User!.Id))).Status);
        Assert.Equal(404, (await RefusedAsync(() => guest.GetChannelAsync(workspace.Id, general.Id))).Status);
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Channel_overrides_change_what_a_role_may_do_in_that_channel_only(TestStorage storage)
    {
        var (server, owner, workspace) = await WorkspaceAsync(storage);
        await using var _ = server;
        var readOnly = await owner.CreateChannelAsync(workspace.Id, "announcements");
        var other = await owner.CreateChannelAsync(workspace.Id, "chat");
        var member = await JoinAsync(server, owner, workspace, "member");
        await member.JoinChannelAsync(workspace.Id, readOnly.Id);
        await member.JoinChannelAsync(workspace.Id, other.Id);
        var updated = new ConcurrentQueue<ChannelDto>();
        member.Gateway.ChannelUpdated += c => { updated.Enqueue(c); return Task.CompletedTask; };
        await member.Gateway.ConnectAsync().Within();

        var set = await owner.SetChannelOverrideAsync(workspace.Id, readOnly.Id, "member", allow: ["kick_members"], deny: ["send_messages", "add_reactions"]);
        var change = Assert.Single(set.Overrides!);
        Assert.Equal("member", change.Role);
        Assert.Equal(["kick_members"], change.Allow);
        Assert.Equal(["send_messages", "add_reactions"], change.Deny);
        Assert.True(await Eventually.Until(() => updated.Any(c => c.Overrides is { Count: 1 })));
        Assert.Equal(403, (await RefusedAsync(() => member.PostMessageAsync(workspace.Id, readOnly.Id, "can I?"))).Status);
        await member.PostMessageAsync(workspace.Id, other.Id, "elsewhere I can");
        Assert.Single((await owner.GetChannelAsync(workspace.Id, readOnly.Id)).Overrides!);

        Assert.Equal(400, (await RefusedAsync(() => owner.SetChannelOverrideAsync(workspace.Id, readOnly.Id, "member", ["fly"], []))).Status);
        Assert.Equal(400, (await RefusedAsync(() => owner.SetChannelOverrideAsync(workspace.Id, readOnly.Id, "member", ["manage_workspace"], []))).Status);
        Assert.Equal(400, (await RefusedAsync(() => owner.SetChannelOverrideAsync(workspace.Id, readOnly.Id, "admin", [], ["send_messages"]))).Status);
        Assert.Equal(400, (await RefusedAsync(() => owner.SetChannelOverrideAsync(workspace.Id, readOnly.Id, "member", ["send_messages"], ["send_messages"]))).Status);
        Assert.Equal(403, (await RefusedAsync(() => member.SetChannelOverrideAsync(workspace.Id, other.Id, "member", ["manage_channels"], []))).Status);

        var removed = await owner.RemoveChannelOverrideAsync(workspace.Id, readOnly.Id, "member");
        Assert.Null(removed.Overrides);
        await member.PostMessageAsync(workspace.Id, readOnly.Id, "now I can");
        await member.DisposeAsync();
    }

    [Theory]
    [InlineData(TestStorage.InMemory)]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_member_manages_the_channel_they_created_but_not_others_and_may_not_delete_it_or_set_overrides(TestStorage storage)
    {
        var (server, owner, workspace) = await WorkspaceAsync(storage);
        await using var _ = server;
        var creator = await JoinAsync(server, owner, workspace, "member");
        var other = await JoinAsync(server, owner, workspace, "member");
        var mine = await creator.CreateChannelAsync(workspace.Id, "mine");
        var theirs = await owner.CreateChannelAsync(workspace.Id, "theirs");
        await other.JoinChannelAsync(workspace.Id, mine.Id);
        await creator.JoinChannelAsync(workspace.Id, theirs.Id);

        Assert.Equal(creator.User!.Id, mine.CreatedBy);
        Assert.Equal(creator.User.Id, (await owner.GetChannelAsync(workspace.Id, mine.Id)).CreatedBy);
        var renamed = await creator.UpdateChannelAsync(workspace.Id, mine.Id, name: "mine-renamed", topic: "ours", description: "a longer text");
        Assert.Equal(("mine-renamed", "ours", "a longer text"), (renamed.Name, renamed.Topic, renamed.Description));
        await creator.ArchiveChannelAsync(workspace.Id, mine.Id);
        Assert.NotNull((await other.GetChannelAsync(workspace.Id, mine.Id)).ArchivedAt);
        await creator.UnarchiveChannelAsync(workspace.Id, mine.Id);
        Assert.Null((await other.GetChannelAsync(workspace.Id, mine.Id)).ArchivedAt);

        Assert.Equal(403, (await RefusedAsync(() => other.UpdateChannelAsync(workspace.Id, mine.Id, topic: "hijack"))).Status);
        Assert.Equal(403, (await RefusedAsync(() => other.ArchiveChannelAsync(workspace.Id, mine.Id))).Status);
        Assert.Equal(403, (await RefusedAsync(() => creator.UpdateChannelAsync(workspace.Id, theirs.Id, topic: "hijack"))).Status);
        Assert.Equal(403, (await RefusedAsync(() => creator.ArchiveChannelAsync(workspace.Id, theirs.Id))).Status);
        Assert.Equal(403, (await RefusedAsync(() => creator.DeleteChannelAsync(workspace.Id, mine.Id))).Status);
        Assert.Equal(403, (await RefusedAsync(() => creator.SetChannelOverrideAsync(workspace.Id, mine.Id, "member", [], ["send_messages"]))).Status);

        // Made a guest, the creator keeps no creator rights; an admin still manages the channel.
        await owner.ChangeWorkspaceRoleAsync(workspace.Id, creator.User.Id, "guest");
        Assert.Equal(403, (await RefusedAsync(() => creator.UpdateChannelAsync(workspace.Id, mine.Id, topic: "as a guest"))).Status);
        Assert.Equal("by the owner", (await owner.UpdateChannelAsync(workspace.Id, mine.Id, topic: "by the owner")).Topic);
    }
}
