using NUlid;

namespace Tanager;

/// <summary>Workspaces and their members.</summary>
public interface IWorkspaceStore
{
    /// <summary>Creates the workspace and its owner's membership together.</summary>
    ValueTask CreateAsync(Workspace workspace, WorkspaceMember owner, CancellationToken cancellationToken = default);
    ValueTask<Workspace?> GetAsync(Ulid workspaceId, CancellationToken cancellationToken = default);
    /// <summary>Every workspace in id order (oldest first), at most <paramref name="limit"/> after <paramref name="after"/>.</summary>
    ValueTask<IReadOnlyList<Workspace>> ListAsync(Ulid? after, int limit, CancellationToken cancellationToken = default);
    ValueTask<WorkspaceMember?> GetMemberAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default);
    /// <summary>Adds a member; false when the user is a member already.</summary>
    ValueTask<bool> TryAddMemberAsync(WorkspaceMember member, CancellationToken cancellationToken = default);
    ValueTask<IReadOnlyList<WorkspaceMember>> ListMembersAsync(Ulid workspaceId, CancellationToken cancellationToken = default);
    /// <summary>The user's workspaces with their membership, oldest first.</summary>
    ValueTask<IReadOnlyList<(Workspace Workspace, WorkspaceMember Member)>> ListForUserAsync(Ulid userId, CancellationToken cancellationToken = default);
    /// <summary>Renames the workspace; false when there is no such workspace.</summary>
    ValueTask<bool> RenameAsync(Ulid workspaceId, string name, DateTimeOffset updatedAt, CancellationToken cancellationToken = default);
    /// <summary>Changes a member's role, never the owner's; the changed membership, or null when none was changed.</summary>
    ValueTask<WorkspaceMember?> ChangeRoleAsync(Ulid workspaceId, Ulid userId, WorkspaceRole role, CancellationToken cancellationToken = default);
    /// <summary>
    /// Removes a member who is not the owner, and with them every channel membership they had in the workspace, at once.
    /// Returns the channel memberships that ended, or null when nobody was removed.
    /// </summary>
    ValueTask<IReadOnlyList<ChannelMember>?> RemoveMemberAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default);
    /// <summary>Makes <paramref name="newOwnerId"/> (a member) the owner and the current owner an admin, at once; false when either is not as expected.</summary>
    ValueTask<bool> TransferOwnershipAsync(Ulid workspaceId, Ulid currentOwnerId, Ulid newOwnerId, DateTimeOffset updatedAt, CancellationToken cancellationToken = default);

    ValueTask CreateInviteAsync(WorkspaceInvite invite, CancellationToken cancellationToken = default);
    /// <summary>The workspace's invites, newest first, revoked and used-up ones included.</summary>
    ValueTask<IReadOnlyList<WorkspaceInvite>> ListInvitesAsync(Ulid workspaceId, CancellationToken cancellationToken = default);
    /// <summary>Revokes an invite; false when there is no such invite or it was revoked already.</summary>
    ValueTask<bool> RevokeInviteAsync(Ulid workspaceId, Ulid inviteId, DateTimeOffset revokedAt, CancellationToken cancellationToken = default);
    /// <summary>
    /// Redeems the invite whose code hashes to <paramref name="codeHash"/> for <paramref name="userId"/>, atomically: it
    /// joins with the invite's role only while the invite is unrevoked, unexpired at <paramref name="now"/> and under its
    /// use limit, and the use is counted in the same transaction, so concurrent redemptions never exceed the limit.
    /// </summary>
    ValueTask<InviteRedemption> RedeemInviteAsync(Ulid workspaceId, byte[] codeHash, Ulid userId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a personal invitation. When the workspace has one for the same email key already, that one takes the new
    /// role, inviter and expiry and keeps its id, so inviting twice leaves one invitation. Returns what is stored.
    /// </summary>
    ValueTask<WorkspaceInvitation> SaveInvitationAsync(WorkspaceInvitation invitation, CancellationToken cancellationToken = default);
    /// <summary>
    /// The invitations addressed to <paramref name="emailKey"/> that have not expired at <paramref name="now"/>, in every
    /// workspace, oldest first. Under Citus this one reads every shard: it filters by the invitee, not the workspace.
    /// </summary>
    ValueTask<IReadOnlyList<WorkspaceInvitation>> ListInvitationsForAsync(string emailKey, DateTimeOffset now, CancellationToken cancellationToken = default);
    /// <summary>
    /// Accepts the invitation atomically: deletes it and makes <paramref name="userId"/> a member with its role (or keeps
    /// their membership when they have one). Null when there is no such invitation for <paramref name="emailKey"/> that is
    /// unexpired at <paramref name="now"/>.
    /// </summary>
    ValueTask<InvitationAcceptance?> AcceptInvitationAsync(Ulid workspaceId, Ulid invitationId, string emailKey, Ulid userId, DateTimeOffset now, CancellationToken cancellationToken = default);
    /// <summary>Deletes the invitation addressed to <paramref name="emailKey"/>; false when there is none.</summary>
    ValueTask<bool> DeleteInvitationAsync(Ulid workspaceId, Ulid invitationId, string emailKey, CancellationToken cancellationToken = default);
}
