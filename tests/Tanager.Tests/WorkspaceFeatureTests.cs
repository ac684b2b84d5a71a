using System.Collections.Concurrent;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>Roles, removal, leaving, ownership, renames, invite links and profiles, end to end through the SDK.</summary>
public sealed class WorkspaceFeatureTests
{
    private static async Task<TanagerApiException> RefusedAsync(Func<Task> call) => await Assert.ThrowsAsync<TanagerApiException>(call);

    private static async Task<TanagerClient> JoinAsync(TestServer server, TanagerClient owner, WorkspaceDto workspace, string role)
    {
        var user = await server.NewUserAsync(role);
        await owner.AddWorkspaceMemberByIdAsync(workspace.Id, user.User!.Id, role);
        return user;
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Roles_change_within_the_hierarchy_and_a_removed_member_loses_the_workspace_and_its_channels(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var owner = await server.NewUserAsync("Owner");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var channel = await owner.CreateChannelAsync(workspace.Id, "general");
        var admin = await JoinAsync(server, owner, workspace, "admin");
        var bob = await JoinAsync(server, owner, workspace, "member");
        var carol = await JoinAsync(server, owner, workspace, "member");
        await bob.JoinChannelAsync(workspace.Id, channel.Id);
        var bobUpdates = new ConcurrentQueue<WorkspaceMemberDto>();
        var bobRemoved = new TaskCompletionSource<WorkspaceMemberDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.Gateway.WorkspaceMemberUpdated += m => { bobUpdates.Enqueue(m); return Task.CompletedTask; };
        bob.Gateway.WorkspaceMemberRemoved += m => { bobRemoved.TrySetResult(m); return Task.CompletedTask; };
        var carolHeard = new ConcurrentQueue<(string Event, WorkspaceMemberDto Member)>();
        carol.Gateway.WorkspaceMemberUpdated += m => { carolHeard.Enqueue(("update", m)); return Task.CompletedTask; };
        carol.Gateway.WorkspaceMemberRemoved += m => { carolHeard.Enqueue(("remove", m)); return Task.CompletedTask; };
        await bob.Gateway.ConnectAsync().Within();
        await carol.Gateway.ConnectAsync().Within();

        var guestBob = await admin.ChangeWorkspaceRoleAsync(workspace.Id, bob.User!.Id, "guest");
        Assert.Equal("guest", guestBob.Role);
        Assert.True(await Eventually.Until(() => bobUpdates.Any(m => m.Role == "guest" && m.User.Id == bob.User.Id)));
        Assert.True(await Eventually.Until(() => carolHeard.Any(e => e.Event == "update" && e.Member.User.Id == bob.User.Id)));
        Assert.Equal("guest", (await carol.GetWorkspaceMemberAsync(workspace.Id, bob.User.Id)).Role);
        // Still in the channel they joined as a member: guests see what they are in.
        Assert.Equal([channel.Id], (await bob.ListChannelsAsync(workspace.Id)).Select(c => c.Id));

        Assert.Equal(403, (await RefusedAsync(() => admin.ChangeWorkspaceRoleAsync(workspace.Id, bob.User.Id, "admin"))).Status);
        Assert.Equal(403, (await RefusedAsync(() => admin.ChangeWorkspaceRoleAsync(workspace.Id, owner.User!.Id, "member"))).Status);
        Assert.Equal(403, (await RefusedAsync(() => owner.ChangeWorkspaceRoleAsync(workspace.Id, owner.User!.Id, "admin"))).Status);
        Assert.Equal(403, (await RefusedAsync(() => carol.ChangeWorkspaceRoleAsync(workspace.Id, bob.User.Id, "member"))).Status);
        Assert.Equal(400, (await RefusedAsync(() => owner.ChangeWorkspaceRoleAsync(workspace.Id, bob.User.Id, "owner"))).Status);
        Assert.Equal(404, (await RefusedAsync(() => owner.ChangeWorkspaceRoleAsync(workspace.Id, "01J00000000000000000000000", "member"))).Status);
        Assert.Equal("admin", (await owner.ChangeWorkspaceRoleAsync(workspace.Id, carol.User!.Id, "admin")).Role);
        Assert.Equal(403, (await RefusedAsync(() => admin.RemoveWorkspaceMemberAsync(workspace.Id, carol.User.Id))).Status);
        Assert.Equal(403, (await RefusedAsync(() => admin.RemoveWorkspaceMemberAsync(workspace.Id, owner.User!.Id))).Status);

        await admin.RemoveWorkspaceMemberAsync(workspace.Id, bob.User.Id);
        var removed = await bobRemoved.Task.Within();
        Assert.Equal((workspace.Id, bob.User.Id), (removed.WorkspaceId, removed.User.Id));
        Assert.True(await Eventually.Until(() => carolHeard.Any(e => e.Event == "remove" && e.Member.User.Id == bob.User.Id)));
        Assert.Equal(404, (await RefusedAsync(() => bob.GetWorkspaceAsync(workspace.Id))).Status);
        Assert.Equal(404, (await RefusedAsync(() => carol.GetWorkspaceMemberAsync(workspace.Id, bob.User.Id))).Status);
        Assert.DoesNotContain(await owner.ListChannelMembersAsync(workspace.Id, channel.Id), m => m.UserId == bob.User.Id);
        Assert.DoesNotContain(await owner.ListWorkspaceMembersAsync(workspace.Id), m => m.User.Id == bob.User.Id);
        await bob.DisposeAsync();
        await carol.DisposeAsync();
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Members_leave_and_rename_reaches_everyone_but_the_owner_leaves_only_after_transferring(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var owner = await server.NewUserAsync("Owner");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var heir = await JoinAsync(server, owner, workspace, "member");
        var leaver = await JoinAsync(server, owner, workspace, "member");
        var renamed = new TaskCompletionSource<WorkspaceDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        heir.Gateway.WorkspaceUpdated += w => { if (w.Name == "Acme Corp") { renamed.TrySetResult(w); } return Task.CompletedTask; };
        await heir.Gateway.ConnectAsync().Within();

        Assert.Equal(403, (await RefusedAsync(() => heir.RenameWorkspaceAsync(workspace.Id, "Mine"))).Status);
        Assert.Equal(400, (await RefusedAsync(() => owner.RenameWorkspaceAsync(workspace.Id, " "))).Status);
        Assert.Equal("Acme Corp", (await owner.RenameWorkspaceAsync(workspace.Id, "Acme Corp")).Name);
        var update = await renamed.Task.Within();
        Assert.Null(update.Role);

        await leaver.LeaveWorkspaceAsync(workspace.Id);
        Assert.Empty(await leaver.ListWorkspacesAsync());
        Assert.Equal(403, (await RefusedAsync(() => owner.LeaveWorkspaceAsync(workspace.Id))).Status);
        Assert.Equal(403, (await RefusedAsync(() => heir.TransferWorkspaceAsync(workspace.Id, heir.User!.Id))).Status);

        var transferred = await owner.TransferWorkspaceAsync(workspace.Id, heir.User!.Id);
        Assert.Equal((heir.User.Id, "admin"), (transferred.OwnerId, transferred.Role));
        Assert.Equal("owner", (await heir.GetWorkspaceAsync(workspace.Id)).Role);
        await owner.LeaveWorkspaceAsync(workspace.Id);
        Assert.Equal(404, (await RefusedAsync(() => owner.GetWorkspaceAsync(workspace.Id))).Status);
        await heir.DisposeAsync();
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Invite_links_join_with_their_role_and_are_refused_once_expired_used_up_or_revoked(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var owner = await server.NewUserAsync("Owner");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var member = await JoinAsync(server, owner, workspace, "member");
        var joined = new TaskCompletionSource<WorkspaceMemberDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        member.Gateway.WorkspaceMemberAdded += m => { if (m.Role == "guest") { joined.TrySetResult(m); } return Task.CompletedTask; };
        await member.Gateway.ConnectAsync().Within();

        Assert.Equal(403, (await RefusedAsync(() => member.CreateInviteAsync(workspace.Id))).Status);
        Assert.Equal(400, (await RefusedAsync(() => owner.CreateInviteAsync(workspace.Id, role: "admin"))).Status);
        Assert.Equal(400, (await RefusedAsync(() => owner.CreateInviteAsync(workspace.Id, maxUses: 0))).Status);
        var invite = await owner.CreateInviteAsync(workspace.Id, role: "guest", maxUses: 1, expiresInSeconds: 3600);
        Assert.StartsWith("tgi_", invite.Code, StringComparison.Ordinal);
        Assert.True(invite.Code!.Length >= 4 + 22, "at least 128 bits");
        Assert.Matches("^tgi_[A-Za-z0-9_-]+$", invite.Code);
        Assert.Null(Assert.Single(await owner.ListInvitesAsync(workspace.Id)).Code);
        Assert.Equal(403, (await RefusedAsync(() => member.ListInvitesAsync(workspace.Id))).Status);

        var guest = await server.NewUserAsync("Guest");
        var entered = await guest.AcceptInviteAsync(invite.Code);
        Assert.Equal((workspace.Id, "guest"), (entered.Id, entered.Role));
        Assert.Equal(guest.User!.Id, (await joined.Task.Within()).User.Id);
        Assert.Equal("guest", (await guest.AcceptInviteAsync(invite.Code)).Role);
        Assert.Equal(1, Assert.Single(await owner.ListInvitesAsync(workspace.Id)).Uses);
        var usedUp = await RefusedAsync(async () => await (await server.NewUserAsync()).AcceptInviteAsync(invite.Code));
        Assert.Equal((410, "invite_used_up"), (usedUp.Status, usedUp.Code));

        var revokable = await owner.CreateInviteAsync(workspace.Id);
        await owner.RevokeInviteAsync(workspace.Id, revokable.Id);
        await owner.RevokeInviteAsync(workspace.Id, revokable.Id);
        Assert.Equal("invite_revoked", (await RefusedAsync(async () => await (await server.NewUserAsync()).AcceptInviteAsync(revokable.Code!))).Code);
        Assert.Equal(404, (await RefusedAsync(() => owner.RevokeInviteAsync(workspace.Id, "01J00000000000000000000000"))).Status);

        var shortLived = await owner.CreateInviteAsync(workspace.Id, expiresInSeconds: 1);
        await Task.Delay(TimeSpan.FromSeconds(1.2)); // let the invite's one second pass
        Assert.Equal("invite_expired", (await RefusedAsync(async () => await (await server.NewUserAsync()).AcceptInviteAsync(shortLived.Code!))).Code);

        var stranger = await server.NewUserAsync();
        Assert.Equal(404, (await RefusedAsync(() => stranger.AcceptInviteAsync("tgi_nonsense"))).Status);
        Assert.Equal(404, (await RefusedAsync(() => stranger.AcceptInviteAsync(invite.Code[..^2] + (invite.Code[^2] == 'A' ? "BB" : "AA")))).Status);
        await member.DisposeAsync();
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Twenty_concurrent_accepts_of_a_five_use_invite_let_exactly_five_in(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var owner = await server.NewUserAsync("Owner");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var invite = await owner.CreateInviteAsync(workspace.Id, maxUses: 5);
        var users = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => server.NewUserAsync()));

        var outcomes = await Task.WhenAll(users.Select(async u =>
        {
            try
            {
                await u.AcceptInviteAsync(invite.Code!);
                return "joined";
            }
            catch (TanagerApiException exception)
            {
                return exception.Code;
            }
        }));

        Assert.Equal(5, outcomes.Count(o => o == "joined"));
        Assert.Equal(15, outcomes.Count(o => o == "invite_used_up"));
        Assert.Equal(6, (await owner.ListWorkspaceMembersAsync(workspace.Id)).Count);
        Assert.Equal(5, Assert.Single(await owner.ListInvitesAsync(workspace.Id)).Uses);
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_profile_change_is_validated_shown_to_members_and_announced_to_everyone_sharing_a_workspace(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var ann = await server.NewUserAsync("Ann");
        var workspace = await ann.CreateWorkspaceAsync("Acme");
        var bob = await JoinAsync(server, ann, workspace, "member");
        var stranger = await server.NewUserAsync("Stranger");
        var bobHeard = new TaskCompletionSource<UserDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        var annHeard = new TaskCompletionSource<UserDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        var strangerHeard = new ConcurrentQueue<UserDto>();
        bob.Gateway.UserUpdated += u => { if (u.StatusText == "In a meeting") { bobHeard.TrySetResult(u); } return Task.CompletedTask; };
        ann.Gateway.UserUpdated += u => { if (u.StatusText == "In a meeting") { annHeard.TrySetResult(u); } return Task.CompletedTask; };
        stranger.Gateway.UserUpdated += u => { strangerHeard.Enqueue(u); return Task.CompletedTask; };
        await bob.Gateway.ConnectAsync().Within();
        await ann.Gateway.ConnectAsync().Within();
        await stranger.Gateway.ConnectAsync().Within();

        foreach (var (avatar, status, emoji) in new[] { ("ftp://example.test/a.png", (string?)null, (string?)null), ("/relative.png", null, null), ("https://user:pw@example.test/a.png", null, null),
            ("https://" + new string('a', 2100) + ".test/", null, null), (null, new string('x', 101), null), (null, "bell\u0007", null), (null, null, "smile"), (null, null, ":Not Valid:") })
        {
            Assert.Equal(400, (await RefusedAsync(() => ann.UpdateProfileAsync(avatarUrl: avatar, statusText: status, statusEmoji: emoji))).Status);
        }

        var me = await ann.UpdateProfileAsync(displayName: "Ann B.", avatarUrl: "https://cdn.example.test/ann.png", statusText: "In a meeting", statusEmoji: "📅");
        Assert.Equal(("Ann B.", "https://cdn.example.test/ann.png", "In a meeting", "📅"), (me.DisplayName, me.AvatarUrl, me.StatusText, me.StatusEmoji));
        Assert.NotNull(me.Email);
        var heard = await bobHeard.Task.Within();
        Assert.Equal(("Ann B.", "📅"), (heard.DisplayName, heard.StatusEmoji));
        Assert.Null(heard.Email);
        await annHeard.Task.Within();
        var shown = await bob.GetWorkspaceMemberAsync(workspace.Id, ann.User!.Id);
        Assert.Equal(("owner", "Ann B.", "https://cdn.example.test/ann.png", "In a meeting"), (shown.Role, shown.User.DisplayName, shown.User.AvatarUrl, shown.User.StatusText));
        Assert.Equal(404, (await RefusedAsync(() => stranger.GetWorkspaceMemberAsync(workspace.Id, ann.User.Id))).Status);

        var cleared = await ann.UpdateProfileAsync(statusText: "", statusEmoji: ":coffee:");
        Assert.Equal(("Ann B.", (string?)null, ":coffee:"), (cleared.DisplayName, cleared.StatusText, cleared.StatusEmoji));
        Assert.Equal("https://cdn.example.test/ann.png", (await ann.GetMeAsync()).AvatarUrl);
        // The stranger's own change is the marker: it arrives after Ann's, which the stranger, sharing no workspace with her, never hears.
        await stranger.UpdateProfileAsync(statusText: "marker");
        Assert.True(await Eventually.Until(() => strangerHeard.Any(u => u.StatusText == "marker")));
        Assert.All(strangerHeard, u => Assert.Equal(stranger.User!.Id, u.Id));
        await ann.DisposeAsync();
        await bob.DisposeAsync();
        await stranger.DisposeAsync();
    }
}
