using NUlid;

namespace Tanager;

/// <summary>Workspaces and their members.</summary>
public interface IWorkspaceStore
{
    /// <summary>Creates the workspace and its owner's membership together.</summary>
    ValueTask CreateAsync(Workspace workspace, WorkspaceMember owner, CancellationToken cancellationToken = default);
    ValueTask<Workspace?> GetAsync(Ulid workspaceId, CancellationToken cancellationToken = default);
    ValueTask<WorkspaceMember?> GetMemberAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default);
    /// <summary>Adds a member; false when the user is a member already.</summary>
    ValueTask<bool> TryAddMemberAsync(WorkspaceMember member, CancellationToken cancellationToken = default);
    ValueTask<IReadOnlyList<WorkspaceMember>> ListMembersAsync(Ulid workspaceId, CancellationToken cancellationToken = default);
    /// <summary>The user's workspaces with their membership, oldest first.</summary>
    ValueTask<IReadOnlyList<(Workspace Workspace, WorkspaceMember Member)>> ListForUserAsync(Ulid userId, CancellationToken cancellationToken = default);
}
