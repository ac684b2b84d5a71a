using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>Workspace settings, roles, membership, invites and profiles.</summary>
public sealed partial class TanagerClient
{
    public Task<WorkspaceDto> RenameWorkspaceAsync(string workspaceId, string name, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, $"workspaces/{Escape(workspaceId)}", new UpdateWorkspaceRequest { Name = name },
            TanagerJsonContext.Default.UpdateWorkspaceRequest, TanagerJsonContext.Default.WorkspaceDto, cancellationToken);

    /// <summary>Makes another member the owner; you become an admin.</summary>
    public Task<WorkspaceDto> TransferWorkspaceAsync(string workspaceId, string userId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"workspaces/{Escape(workspaceId)}/transfer", new TransferWorkspaceRequest { UserId = userId },
            TanagerJsonContext.Default.TransferWorkspaceRequest, TanagerJsonContext.Default.WorkspaceDto, cancellationToken);

    public Task LeaveWorkspaceAsync(string workspaceId, CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Post, $"workspaces/{Escape(workspaceId)}/leave", null, null, null, cancellationToken);

    /// <summary>One member with their profile.</summary>
    public Task<WorkspaceMemberDto> GetWorkspaceMemberAsync(string workspaceId, string userId, CancellationToken cancellationToken = default) =>
        GetAsync($"workspaces/{Escape(workspaceId)}/members/{Escape(userId)}", TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);

    /// <summary>Changes a member's role to admin, member or guest.</summary>
    public Task<WorkspaceMemberDto> ChangeWorkspaceRoleAsync(string workspaceId, string userId, string role, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, $"workspaces/{Escape(workspaceId)}/members/{Escape(userId)}", new UpdateWorkspaceMemberRequest { Role = role },
            TanagerJsonContext.Default.UpdateWorkspaceMemberRequest, TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);

    public Task RemoveWorkspaceMemberAsync(string workspaceId, string userId, CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Delete, $"workspaces/{Escape(workspaceId)}/members/{Escape(userId)}", null, null, null, cancellationToken);

    /// <summary>Creates an invite link; its <see cref="InviteDto.Code"/> is shown only in this answer.</summary>
    public Task<InviteDto> CreateInviteAsync(string workspaceId, string role = "member", int? maxUses = null, long? expiresInSeconds = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"workspaces/{Escape(workspaceId)}/invites", new CreateInviteRequest { Role = role, MaxUses = maxUses, ExpiresInSeconds = expiresInSeconds },
            TanagerJsonContext.Default.CreateInviteRequest, TanagerJsonContext.Default.InviteDto, cancellationToken);

    public Task<IReadOnlyList<InviteDto>> ListInvitesAsync(string workspaceId, CancellationToken cancellationToken = default) =>
        GetAsync($"workspaces/{Escape(workspaceId)}/invites", TanagerJsonContext.Default.IReadOnlyListInviteDto, cancellationToken);

    public Task RevokeInviteAsync(string workspaceId, string inviteId, CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Delete, $"workspaces/{Escape(workspaceId)}/invites/{Escape(inviteId)}", null, null, null, cancellationToken);

    /// <summary>Joins the workspace an invite code is for; answers the workspace with your role in it.</summary>
    public Task<WorkspaceDto> AcceptInviteAsync(string code, CancellationToken cancellationToken = default) =>
        SendAsync<object, WorkspaceDto>(HttpMethod.Post, $"invites/{Escape(code)}/accept", null, null, TanagerJsonContext.Default.WorkspaceDto, cancellationToken);

    /// <summary>Changes your profile; null leaves a field as it is, "" removes the avatar, status text or emoji.</summary>
    public async Task<UserDto> UpdateProfileAsync(string? displayName = null, string? avatarUrl = null, string? statusText = null, string? statusEmoji = null, CancellationToken cancellationToken = default)
    {
        User = await SendAsync(HttpMethod.Patch, "users/me", new UpdateProfileRequest { DisplayName = displayName, AvatarUrl = avatarUrl, StatusText = statusText, StatusEmoji = statusEmoji },
            TanagerJsonContext.Default.UpdateProfileRequest, TanagerJsonContext.Default.UserDto, cancellationToken);
        return User;
    }
}
