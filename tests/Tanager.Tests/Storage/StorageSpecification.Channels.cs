using NUlid;

namespace Tanager.Tests.Storage;

/// <summary>Channel settings and deletion, workspace roles and removal, invites and profiles.</summary>
public abstract partial class StorageSpecification
{
    [Fact]
    public async Task A_channel_update_writes_its_settings_and_overrides_but_never_moves_its_sequence()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var channel = await NewChannelAsync(workspace, owner, "before");
        await PostAsync(channel, owner, "one", "two");
        var overrides = new[] { new ChannelOverride(WorkspaceRole.Member, Permission.ManageMessages, Permission.SendMessages | Permission.AddReactions), new ChannelOverride(WorkspaceRole.Guest, Permission.None, Permission.AddReactions) };
        var changed = channel with { Name = "after", Topic = null, Description = "What we do", ArchivedAt = At(20), Overrides = overrides, UpdatedAt = At(21) };

        Assert.Equal(ChannelUpdateResult.Updated, await _store.Channels.TryUpdateChannelAsync(changed, channel.UpdatedAt));

        var read = (await _store.Channels.GetAsync(workspace.Id, channel.Id))!;
        Assert.Equal(("after", (string?)null, "What we do", (DateTimeOffset?)At(20), At(21), 2L), (read.Name, read.Topic, read.Description, read.ArchivedAt, read.UpdatedAt, read.LastSequence));
        Assert.Equal(overrides, read.Overrides);
        var access = (await _store.Channels.GetAccessAsync(workspace.Id, channel.Id, owner.Id))!;
        Assert.Equal(overrides, access.Channel!.Overrides);
        Assert.Equal(At(20), access.Channel.ArchivedAt);
    }

    [Fact]
    public async Task A_channel_update_from_a_stale_read_or_to_a_taken_name_changes_nothing()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var channel = await NewChannelAsync(workspace, owner, "mine");
        await NewChannelAsync(workspace, owner, "taken");

        Assert.Equal(ChannelUpdateResult.NameTaken, await _store.Channels.TryUpdateChannelAsync(channel with { Name = "taken", UpdatedAt = At(30) }, channel.UpdatedAt));
        Assert.Equal(ChannelUpdateResult.Stale, await _store.Channels.TryUpdateChannelAsync(channel with { Topic = "late", UpdatedAt = At(31) }, At(29)));
        Assert.Equal(ChannelUpdateResult.Stale, await _store.Channels.TryUpdateChannelAsync(channel with { Id = Ulid.NewUlid(), UpdatedAt = At(31) }, channel.UpdatedAt));
        Assert.Equal(channel, await _store.Channels.GetAsync(workspace.Id, channel.Id));
    }

    [Fact]
    public async Task A_deleted_channel_is_gone_frees_its_name_and_ends_its_memberships()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var channel = await NewChannelAsync(workspace, owner, "doomed");
        var member = await NewUserAsync();
        await _store.Workspaces.TryAddMemberAsync(new WorkspaceMember(workspace.Id, member.Id, WorkspaceRole.Member, At(3)));
        await _store.Channels.TryAddMemberAsync(new ChannelMember(workspace.Id, channel.Id, member.Id, At(4)));
        await PostAsync(channel, owner, "history");

        var former = await _store.Channels.DeleteChannelAsync(workspace.Id, channel.Id, At(40));

        Assert.Equal(new[] { owner.Id, member.Id }.Order(), former);
        Assert.Null(await _store.Channels.GetAsync(workspace.Id, channel.Id));
        Assert.Empty(await _store.Channels.ListAsync(workspace.Id));
        Assert.Null((await _store.Channels.GetAccessAsync(workspace.Id, channel.Id, member.Id))!.Channel);
        Assert.Empty(await _store.Channels.ListMembershipsAsync(workspace.Id, member.Id));
        Assert.Null(await _store.Channels.DeleteChannelAsync(workspace.Id, channel.Id, At(41)));
        Assert.Equal(ChannelUpdateResult.Stale, await _store.Channels.TryUpdateChannelAsync(channel with { UpdatedAt = At(42) }, channel.UpdatedAt));
        await NewChannelAsync(workspace, owner, "doomed");
    }

    [Fact]
    public async Task Channel_members_page_by_user_id()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var channel = await NewChannelAsync(workspace, owner);
        var users = new List<Ulid> { owner.Id };
        for (var i = 0; i < 4; i++)
        {
            var user = await NewUserAsync();
            await _store.Channels.TryAddMemberAsync(new ChannelMember(workspace.Id, channel.Id, user.Id, At(5 + i)));
            users.Add(user.Id);
        }
        users.Sort();

        var first = await _store.Channels.ListChannelMembersAsync(workspace.Id, channel.Id, null, 2);
        var second = await _store.Channels.ListChannelMembersAsync(workspace.Id, channel.Id, first[^1].UserId, 2);
        var third = await _store.Channels.ListChannelMembersAsync(workspace.Id, channel.Id, second[^1].UserId, 2);

        Assert.Equal(users, first.Concat(second).Concat(third).Select(m => m.UserId));
        Assert.Single(third);
        Assert.Empty(await _store.Channels.ListChannelMembersAsync(Ulid.NewUlid(), channel.Id, null, 10));
    }

    [Fact]
    public async Task Roles_change_but_never_the_owners_and_removing_a_member_ends_their_channel_memberships()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var a = await NewChannelAsync(workspace, owner);
        var b = await NewChannelAsync(workspace, owner);
        var user = await NewUserAsync();
        await _store.Workspaces.TryAddMemberAsync(new WorkspaceMember(workspace.Id, user.Id, WorkspaceRole.Member, At(3)));
        await _store.Channels.TryAddMemberAsync(new ChannelMember(workspace.Id, a.Id, user.Id, At(4)));
        await _store.Channels.TryAddMemberAsync(new ChannelMember(workspace.Id, b.Id, user.Id, At(5)));

        Assert.Equal(new WorkspaceMember(workspace.Id, user.Id, WorkspaceRole.Guest, At(3)), await _store.Workspaces.ChangeRoleAsync(workspace.Id, user.Id, WorkspaceRole.Guest));
        Assert.Null(await _store.Workspaces.ChangeRoleAsync(workspace.Id, owner.Id, WorkspaceRole.Admin));
        Assert.Null(await _store.Workspaces.ChangeRoleAsync(workspace.Id, Ulid.NewUlid(), WorkspaceRole.Admin));
        Assert.Null(await _store.Workspaces.RemoveMemberAsync(workspace.Id, owner.Id));

        var ended = await _store.Workspaces.RemoveMemberAsync(workspace.Id, user.Id);

        Assert.Equal(new[] { new ChannelMember(workspace.Id, a.Id, user.Id, At(4)), new ChannelMember(workspace.Id, b.Id, user.Id, At(5)) }.OrderBy(m => m.ChannelId), ended);
        Assert.Null(await _store.Workspaces.GetMemberAsync(workspace.Id, user.Id));
        Assert.Empty(await _store.Channels.ListMembershipsAsync(workspace.Id, user.Id));
        Assert.Null(await _store.Workspaces.RemoveMemberAsync(workspace.Id, user.Id));
        Assert.Equal(WorkspaceRole.Owner, (await _store.Workspaces.GetMemberAsync(workspace.Id, owner.Id))!.Role);
    }

    [Fact]
    public async Task Renaming_and_transferring_ownership_change_the_workspace_and_both_roles_at_once()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var heir = await NewUserAsync();
        await _store.Workspaces.TryAddMemberAsync(new WorkspaceMember(workspace.Id, heir.Id, WorkspaceRole.Member, At(3)));

        Assert.True(await _store.Workspaces.RenameAsync(workspace.Id, "Acme Two", At(50)));
        Assert.False(await _store.Workspaces.RenameAsync(Ulid.NewUlid(), "Nobody", At(50)));
        Assert.False(await _store.Workspaces.TransferOwnershipAsync(workspace.Id, heir.Id, owner.Id, At(51)));
        Assert.True(await _store.Workspaces.TransferOwnershipAsync(workspace.Id, owner.Id, heir.Id, At(52)));

        Assert.Equal(workspace with { Name = "Acme Two", OwnerId = heir.Id, UpdatedAt = At(52) }, await _store.Workspaces.GetAsync(workspace.Id));
        Assert.Equal(WorkspaceRole.Admin, (await _store.Workspaces.GetMemberAsync(workspace.Id, owner.Id))!.Role);
        Assert.Equal(WorkspaceRole.Owner, (await _store.Workspaces.GetMemberAsync(workspace.Id, heir.Id))!.Role);
    }

    [Fact]
    public async Task Invites_are_listed_newest_first_revoked_once_and_redeemed_within_their_limits()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var hash = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        // Created at distinct times with ids of those times, as the service makes them: two ULIDs of one millisecond have no order.
        var invite = new WorkspaceInvite(workspace.Id, Ulid.NewUlid(At(1)), hash, WorkspaceRole.Guest, owner.Id, At(1), At(100), MaxUses: 1, Uses: 0, RevokedAt: null);
        await _store.Workspaces.CreateInviteAsync(invite);
        var later = invite with { Id = Ulid.NewUlid(At(2)), CodeHash = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), CreatedAt = At(2), ExpiresAt = null, MaxUses = null };
        await _store.Workspaces.CreateInviteAsync(later);

        var listed = await _store.Workspaces.ListInvitesAsync(workspace.Id);
        Assert.Equal([later.Id, invite.Id], listed.Select(i => i.Id));
        Assert.Equal(invite.CodeHash, listed[1].CodeHash);
        Assert.Equal((invite.Role, invite.ExpiresAt, invite.MaxUses, 0, (DateTimeOffset?)null), (listed[1].Role, listed[1].ExpiresAt, listed[1].MaxUses, listed[1].Uses, listed[1].RevokedAt));

        var guest = await NewUserAsync();
        var late = await _store.Workspaces.RedeemInviteAsync(workspace.Id, hash, guest.Id, At(100));
        Assert.Equal(InviteRedemptionStatus.Expired, late.Status);
        var joined = await _store.Workspaces.RedeemInviteAsync(workspace.Id, hash, guest.Id, At(50));
        Assert.Equal(InviteRedemptionStatus.Joined, joined.Status);
        Assert.Equal(new WorkspaceMember(workspace.Id, guest.Id, WorkspaceRole.Guest, At(50)), await _store.Workspaces.GetMemberAsync(workspace.Id, guest.Id));
        Assert.Equal(InviteRedemptionStatus.AlreadyMember, (await _store.Workspaces.RedeemInviteAsync(workspace.Id, hash, guest.Id, At(51))).Status);
        Assert.Equal(InviteRedemptionStatus.UsedUp, (await _store.Workspaces.RedeemInviteAsync(workspace.Id, hash, (await NewUserAsync()).Id, At(51))).Status);
        Assert.Equal(InviteRedemptionStatus.NotFound, (await _store.Workspaces.RedeemInviteAsync(workspace.Id, new byte[32], guest.Id, At(51))).Status);
        var (other, _) = await NewWorkspaceAsync();
        Assert.Equal(InviteRedemptionStatus.NotFound, (await _store.Workspaces.RedeemInviteAsync(other.Id, hash, guest.Id, At(51))).Status);

        Assert.True(await _store.Workspaces.RevokeInviteAsync(workspace.Id, later.Id, At(60)));
        Assert.False(await _store.Workspaces.RevokeInviteAsync(workspace.Id, later.Id, At(61)));
        Assert.Equal(InviteRedemptionStatus.Revoked, (await _store.Workspaces.RedeemInviteAsync(workspace.Id, later.CodeHash, (await NewUserAsync()).Id, At(62))).Status);
    }

    [Fact]
    public async Task Concurrent_redemptions_never_exceed_an_invites_use_limit()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var hash = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        await _store.Workspaces.CreateInviteAsync(new WorkspaceInvite(workspace.Id, Ulid.NewUlid(), hash, WorkspaceRole.Member, owner.Id, At(1), null, MaxUses: 3, Uses: 0, RevokedAt: null));
        var users = new List<User>();
        for (var i = 0; i < 12; i++)
        {
            users.Add(await NewUserAsync());
        }

        var results = await Task.WhenAll(users.Select(u => Task.Run(async () => await _store.Workspaces.RedeemInviteAsync(workspace.Id, hash, u.Id, At(2)))));

        Assert.Equal(3, results.Count(r => r.Status == InviteRedemptionStatus.Joined));
        Assert.Equal(9, results.Count(r => r.Status == InviteRedemptionStatus.UsedUp));
        Assert.Equal(4, (await _store.Workspaces.ListMembersAsync(workspace.Id)).Count);
        Assert.Equal(3, Assert.Single(await _store.Workspaces.ListInvitesAsync(workspace.Id)).Uses);
    }

    [Fact]
    public async Task A_profile_update_reads_back_everywhere_a_user_is_read()
    {
        var user = await NewUserAsync();
        var changed = user with { DisplayName = "Ann B.", AvatarUrl = "https://cdn.example.test/a.png", StatusText = "In a meeting", StatusEmoji = "📅", UpdatedAt = At(70) };

        Assert.True(await _store.Users.UpdateProfileAsync(changed));
        Assert.False(await _store.Users.UpdateProfileAsync(changed with { Id = Ulid.NewUlid() }));

        Assert.Equal(changed, await _store.Users.GetAsync(user.Id));
        Assert.Equal(changed, await _store.Users.FindByEmailAsync(user.Email));
        var session = new UserSession(Ulid.NewUlid(), System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), user.Id, CredentialKind.Login, At(0), At(3600));
        await _store.Users.CreateSessionAsync(session);
        Assert.Equal(changed, (await _store.Users.GetSessionAsync(session.TokenHash))!.User);
        var cleared = changed with { AvatarUrl = null, StatusText = null, StatusEmoji = null, UpdatedAt = At(71) };
        Assert.True(await _store.Users.UpdateProfileAsync(cleared));
        Assert.Equal(cleared, await _store.Users.GetAsync(user.Id));
    }
}
