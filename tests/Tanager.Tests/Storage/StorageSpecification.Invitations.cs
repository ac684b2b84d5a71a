using NUlid;

namespace Tanager.Tests.Storage;

public abstract partial class StorageSpecification
{
    [Fact]
    public async Task An_invitation_is_kept_once_per_address_and_workspace_and_listed_for_its_address_until_it_expires()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var (other, otherOwner) = await NewWorkspaceAsync();
        var key = User.EmailKey($"{Guid.NewGuid():N}@example.test");
        var first = new WorkspaceInvitation(workspace.Id, Ulid.NewUlid(), key, null, WorkspaceRole.Guest, owner.Id, At(10), At(100));

        Assert.Equal(first, await _store.Workspaces.SaveInvitationAsync(first));
        // Inviting again refreshes the one invitation: same id and creation, the new role, inviter and expiry.
        var again = await _store.Workspaces.SaveInvitationAsync(first with { Id = Ulid.NewUlid(), Role = WorkspaceRole.Member, CreatedAt = At(20), ExpiresAt = At(200) });
        Assert.Equal(first with { Role = WorkspaceRole.Member, ExpiresAt = At(200) }, again);
        var elsewhere = new WorkspaceInvitation(other.Id, Ulid.NewUlid(), key, null, WorkspaceRole.Member, otherOwner.Id, At(30), At(50));
        await _store.Workspaces.SaveInvitationAsync(elsewhere);
        await _store.Workspaces.SaveInvitationAsync(elsewhere with { WorkspaceId = workspace.Id, Id = Ulid.NewUlid(), EmailKey = User.EmailKey("someone@example.test"), InvitedBy = owner.Id });

        Assert.Equal([again, elsewhere], await _store.Workspaces.ListInvitationsForAsync(key, At(40)));
        Assert.Equal([again], await _store.Workspaces.ListInvitationsForAsync(key, At(50)));
        Assert.Empty(await _store.Workspaces.ListInvitationsForAsync(key, At(200)));
        Assert.Empty(await _store.Workspaces.ListInvitationsForAsync(User.EmailKey("nobody@example.test"), At(40)));
    }

    [Fact]
    public async Task Accepting_an_invitation_makes_a_member_once_and_only_for_its_address_while_it_is_unexpired()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var invitee = await NewUserAsync();
        var key = User.EmailKey(invitee.Email);
        var invitation = await _store.Workspaces.SaveInvitationAsync(new WorkspaceInvitation(workspace.Id, Ulid.NewUlid(), key, invitee.Id, WorkspaceRole.Guest, owner.Id, At(10), At(100)));

        Assert.Null(await _store.Workspaces.AcceptInvitationAsync(workspace.Id, invitation.Id, User.EmailKey("other@example.test"), invitee.Id, At(20)));
        Assert.Null(await _store.Workspaces.AcceptInvitationAsync(workspace.Id, invitation.Id, key, invitee.Id, At(100)));
        Assert.False(await _store.Workspaces.DeleteInvitationAsync(workspace.Id, invitation.Id, User.EmailKey("other@example.test")));
        Assert.Null(await _store.Workspaces.GetMemberAsync(workspace.Id, invitee.Id));

        var accepted = await _store.Workspaces.AcceptInvitationAsync(workspace.Id, invitation.Id, key, invitee.Id, At(20));

        Assert.Equal(new InvitationAcceptance(new WorkspaceMember(workspace.Id, invitee.Id, WorkspaceRole.Guest, At(20)), Joined: true), accepted);
        Assert.Equal(accepted!.Member, await _store.Workspaces.GetMemberAsync(workspace.Id, invitee.Id));
        Assert.Empty(await _store.Workspaces.ListInvitationsForAsync(key, At(20)));
        Assert.Null(await _store.Workspaces.AcceptInvitationAsync(workspace.Id, invitation.Id, key, invitee.Id, At(21)));

        // A member invited again keeps their membership when they accept; a declined invitation is gone.
        var second = await _store.Workspaces.SaveInvitationAsync(invitation with { Id = Ulid.NewUlid(), Role = WorkspaceRole.Admin });
        Assert.Equal(new InvitationAcceptance(accepted.Member, Joined: false), await _store.Workspaces.AcceptInvitationAsync(workspace.Id, second.Id, key, invitee.Id, At(30)));
        var third = await _store.Workspaces.SaveInvitationAsync(invitation with { Id = Ulid.NewUlid() });
        Assert.True(await _store.Workspaces.DeleteInvitationAsync(workspace.Id, third.Id, key));
        Assert.False(await _store.Workspaces.DeleteInvitationAsync(workspace.Id, third.Id, key));
        Assert.Empty(await _store.Workspaces.ListInvitationsForAsync(key, At(30)));
    }

    [Fact]
    public async Task A_channel_keeps_its_creator_and_a_channel_without_one_reads_back_with_none()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var created = new Channel(workspace.Id, Ulid.NewUlid(), "made-by-owner", ChannelKind.Public, null, 0, At(2), At(2)) { CreatedBy = owner.Id };
        Assert.True(await _store.Channels.TryCreateAsync(created, new ChannelMember(workspace.Id, created.Id, owner.Id, At(2))));
        var anonymous = await NewChannelAsync(workspace, owner, "older");

        Assert.Equal(owner.Id, (await _store.Channels.GetAsync(workspace.Id, created.Id))!.CreatedBy);
        Assert.Null((await _store.Channels.GetAsync(workspace.Id, anonymous.Id))!.CreatedBy);
        // A later change to the channel keeps its creator.
        var renamed = created with { Name = "renamed", UpdatedAt = At(3) };
        Assert.Equal(ChannelUpdateResult.Updated, await _store.Channels.TryUpdateChannelAsync(renamed with { CreatedBy = null }, created.UpdatedAt));
        Assert.Equal(owner.Id, (await _store.Channels.GetAsync(workspace.Id, created.Id))!.CreatedBy);
    }
}
