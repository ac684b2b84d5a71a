using Microsoft.Extensions.Options;
using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>Workspaces, their membership and roles, personal invitations and invite links.</summary>
public sealed partial class WorkspaceService(IWorkspaceStore workspaces, IUserStore users, EventDispatcher events, AuditLog audit, IOptions<TanagerOptions> options, TimeProvider time)
{
    public async Task<(Workspace Workspace, WorkspaceMember Member)> CreateAsync(Ulid callerId, string? name, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.WorkspacesManage);
        var validName = Validate.Text(name, "name", Validate.MaxWorkspaceNameLength);
        var now = time.UtcNow();
        var workspace = new Workspace(Ulid.NewUlid(now), validName, callerId, now, now);
        var owner = new WorkspaceMember(workspace.Id, callerId, WorkspaceRole.Owner, now);
        await workspaces.CreateAsync(workspace, owner, cancellationToken);
        var caller = await users.GetAsync(callerId, cancellationToken) ?? throw TanagerException.NotFound("User");
        // The owner's open connections learn of it and subscribe to the workspace.
        await events.PublishAsync(EventHeader.ForUser(GatewayEvents.WorkspaceMemberAdd, callerId, SessionControl.WorkspaceJoined, workspace.Id, role: WorkspaceRole.Owner), owner.ToDto(caller), TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);
        return (workspace, owner);
    }

    public async Task<IReadOnlyList<(Workspace Workspace, WorkspaceMember Member)>> ListAsync(Ulid callerId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MembersRead);
        return await workspaces.ListForUserAsync(callerId, cancellationToken);
    }

    public async Task<(Workspace Workspace, WorkspaceMember Member)> GetAsync(Ulid callerId, Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MembersRead);
        var member = await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        var workspace = await workspaces.GetAsync(workspaceId, cancellationToken) ?? throw TanagerException.NotFound("Workspace");
        return (workspace, member);
    }

    /// <summary>
    /// Adds someone to the workspace, named by <paramref name="userId"/> or <paramref name="email"/> (exactly one), with the
    /// same role rules whichever way. By email it is always an invitation, and the answer is the same whether or not an
    /// account has that address, so nobody learns who has an account. By id it is an invitation too, unless the server
    /// allows direct adds (<see cref="TanagerOptions.AllowDirectMemberAdd"/>), when the user becomes a member at once.
    /// </summary>
    public async Task<WorkspaceMemberAddition> AddMemberAsync(Ulid callerId, Ulid workspaceId, string? userId, string? email, string? role, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MembersManage);
        var caller = await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        var granted = ParseRole(role);
        if (!Permissions.CanAddWorkspaceMembers(caller.Role) || !Permissions.CanGrantRole(caller.Role, granted))
        {
            throw TanagerException.Forbidden($"A {caller.Role.ToWire()} may not add a {granted.ToWire()}.");
        }
        if ((userId is null) == (email is null))
        {
            throw TanagerException.Invalid("Give exactly one of user_id and email.");
        }
        if (email is not null)
        {
            var address = Validate.Email(email);
            // Looked up only to tell a live invitee, never to shape the answer.
            var holder = await users.FindByEmailAsync(address, cancellationToken);
            await InviteAsync(caller, User.EmailKey(address), holder, userIdGiven: false, granted, cancellationToken);
            return WorkspaceMemberAddition.Invited;
        }
        // An id is learnt only from a workspace shared with its user, so a 404 here tells nothing an email would.
        var user = await users.GetAsync(Ids.Parse(userId!, "User"), cancellationToken) ?? throw TanagerException.NotFound("User");
        if (!options.Value.AllowDirectMemberAdd)
        {
            if (await workspaces.GetMemberAsync(workspaceId, user.Id, cancellationToken) is not null)
            {
                throw TanagerException.Conflict(ErrorCodes.Conflict, "The user is a member of this workspace already.");
            }
            await InviteAsync(caller, User.EmailKey(user.Email), user, userIdGiven: true, granted, cancellationToken);
            return WorkspaceMemberAddition.Invited;
        }
        var member = new WorkspaceMember(workspaceId, user.Id, granted, time.UtcNow());
        if (!await workspaces.TryAddMemberAsync(member, cancellationToken))
        {
            throw TanagerException.Conflict(ErrorCodes.Conflict, "The user is a member of this workspace already.");
        }
        await events.PublishAsync(Membership.Joined(member), member.ToDto(user), TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);
        return new WorkspaceMemberAddition(member, user);
    }

    public async Task<IReadOnlyList<(WorkspaceMember Member, User User)>> ListMembersAsync(Ulid callerId, Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MembersRead);
        await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        var members = await workspaces.ListMembersAsync(workspaceId, cancellationToken);
        var result = new List<(WorkspaceMember, User)>(members.Count);
        foreach (var member in members)
        {
            if (await users.GetAsync(member.UserId, cancellationToken) is { } user)
            {
                result.Add((member, user));
            }
        }
        return result;
    }

    /// <summary>
    /// Renames the workspace (manage_workspace) and announces WORKSPACE_UPDATE to its members. Returns the caller's
    /// membership too, so that the answer needs no second call (whose scope a bot token might lack after the rename).
    /// </summary>
    public async Task<(Workspace Workspace, WorkspaceMember Member)> RenameAsync(Ulid callerId, Ulid workspaceId, string? name, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.WorkspacesManage);
        var caller = await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        var validName = Validate.Text(name, "name", Validate.MaxWorkspaceNameLength);
        EnsureManager(caller, "rename the workspace");
        if (!await workspaces.RenameAsync(workspaceId, validName, time.UtcNow(), cancellationToken))
        {
            throw TanagerException.NotFound("Workspace");
        }
        var workspace = await workspaces.GetAsync(workspaceId, cancellationToken) ?? throw TanagerException.NotFound("Workspace");
        await events.PublishAsync(EventHeader.ForWorkspace(GatewayEvents.WorkspaceUpdate, workspaceId), workspace.ToDto(), TanagerJsonContext.Default.WorkspaceDto, cancellationToken);
        return (workspace, caller);
    }

    /// <summary>One member with their profile; any member of the workspace may look.</summary>
    public async Task<(WorkspaceMember Member, User User)> GetMemberAsync(Ulid callerId, Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MembersRead);
        await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        var member = await workspaces.GetMemberAsync(workspaceId, userId, cancellationToken) ?? throw TanagerException.NotFound("Member");
        var user = await users.GetAsync(userId, cancellationToken) ?? throw TanagerException.NotFound("Member");
        return (member, user);
    }

    /// <summary>
    /// Changes a member's role (manage_workspace): only of someone weaker than the caller, and only to a role the caller may
    /// grant. The owner's role changes only by <see cref="TransferOwnershipAsync"/>.
    /// </summary>
    public async Task<(WorkspaceMember Member, User User)> ChangeRoleAsync(Ulid callerId, Ulid workspaceId, Ulid userId, string? role, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MembersManage);
        var caller = await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        var granted = ParseRole(role ?? throw TanagerException.Invalid("role is required."));
        EnsureManager(caller, "change roles");
        var target = await workspaces.GetMemberAsync(workspaceId, userId, cancellationToken) ?? throw TanagerException.NotFound("Member");
        if (target.Role == WorkspaceRole.Owner)
        {
            throw TanagerException.Forbidden("The owner's role changes only by transferring ownership.");
        }
        if (!Permissions.CanActOn(caller.Role, target.Role) || !Permissions.CanGrantRole(caller.Role, granted))
        {
            throw TanagerException.Forbidden($"A {caller.Role.ToWire()} may not make a {target.Role.ToWire()} a {granted.ToWire()}.");
        }
        var changed = await workspaces.ChangeRoleAsync(workspaceId, userId, granted, cancellationToken) ?? throw TanagerException.NotFound("Member");
        var user = await users.GetAsync(userId, cancellationToken) ?? throw TanagerException.NotFound("Member");
        await events.PublishAsync(Membership.RoleChanged(changed), changed.ToDto(user), TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);
        await audit.RecordAsync(AuditEventKinds.WorkspaceRoleChanged, userId, callerId, null, $"workspace {workspaceId}: {target.Role.ToWire()} -> {granted.ToWire()}", cancellationToken);
        return (changed, user);
    }

    /// <summary>Removes a weaker member (manage_workspace); their channel memberships in the workspace end with it.</summary>
    public async Task RemoveMemberAsync(Ulid callerId, Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MembersManage);
        var caller = await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        EnsureManager(caller, "remove members");
        if (userId == callerId)
        {
            throw TanagerException.Invalid("To leave the workspace, use leave.");
        }
        var target = await workspaces.GetMemberAsync(workspaceId, userId, cancellationToken) ?? throw TanagerException.NotFound("Member");
        if (!Permissions.CanActOn(caller.Role, target.Role))
        {
            throw TanagerException.Forbidden(target.Role == WorkspaceRole.Owner
                ? "The owner cannot be removed; ownership must be transferred first."
                : $"A {caller.Role.ToWire()} may not remove a {target.Role.ToWire()}.");
        }
        await EndMembershipAsync(target, cancellationToken);
    }

    /// <summary>Leaves the workspace. The owner cannot: they transfer ownership first.</summary>
    public async Task LeaveAsync(Ulid callerId, Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.WorkspacesManage);
        var caller = await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        if (caller.Role == WorkspaceRole.Owner)
        {
            throw TanagerException.Forbidden("The owner cannot leave the workspace; transfer ownership first.");
        }
        await EndMembershipAsync(caller, cancellationToken);
    }

    /// <summary>
    /// Makes another member the owner; the caller, who must be the owner, becomes an admin. Returns the workspace and the
    /// caller's new membership.
    /// </summary>
    public async Task<(Workspace Workspace, WorkspaceMember Member)> TransferOwnershipAsync(Ulid callerId, Ulid workspaceId, string? userId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.WorkspacesManage);
        var caller = await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        if (caller.Role != WorkspaceRole.Owner)
        {
            throw TanagerException.Forbidden("Only the owner may transfer ownership.");
        }
        var newOwnerId = Ids.Parse(userId ?? throw TanagerException.Invalid("user_id is required."), "Member");
        if (newOwnerId == callerId)
        {
            throw TanagerException.Invalid("You own the workspace already.");
        }
        var target = await workspaces.GetMemberAsync(workspaceId, newOwnerId, cancellationToken) ?? throw TanagerException.NotFound("Member");
        if (target.Role == WorkspaceRole.Guest)
        {
            throw TanagerException.Invalid("A guest cannot become the owner; make them a member first.");
        }
        if (!await workspaces.TransferOwnershipAsync(workspaceId, callerId, newOwnerId, time.UtcNow(), cancellationToken))
        {
            throw TanagerException.Conflict(ErrorCodes.Conflict, "The workspace's membership changed meanwhile; try again.");
        }
        // Read from the store, not through GetMemberAsync: that demands members:read, and the transfer has happened already.
        WorkspaceMember? callerNow = null;
        foreach (var changedId in new[] { newOwnerId, callerId })
        {
            var member = await workspaces.GetMemberAsync(workspaceId, changedId, cancellationToken) ?? throw TanagerException.NotFound("Member");
            var user = await users.GetAsync(changedId, cancellationToken) ?? throw TanagerException.NotFound("Member");
            await events.PublishAsync(Membership.RoleChanged(member), member.ToDto(user), TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);
            callerNow = member;
        }
        var workspace = await workspaces.GetAsync(workspaceId, cancellationToken) ?? throw TanagerException.NotFound("Workspace");
        await events.PublishAsync(EventHeader.ForWorkspace(GatewayEvents.WorkspaceUpdate, workspaceId), workspace.ToDto(), TanagerJsonContext.Default.WorkspaceDto, cancellationToken);
        return (workspace, callerNow!);
    }

    /// <summary>Ends a membership and announces it: each channel left, then the workspace, the user's own subject first so their sessions stop following.</summary>
    private async Task EndMembershipAsync(WorkspaceMember leaving, CancellationToken cancellationToken)
    {
        var ended = await workspaces.RemoveMemberAsync(leaving.WorkspaceId, leaving.UserId, cancellationToken) ?? throw TanagerException.NotFound("Member");
        foreach (var membership in ended)
        {
            await events.PublishAsync(Membership.Left(membership), membership.ToDto(), TanagerJsonContext.Default.ChannelMemberDto, cancellationToken);
        }
        var user = await users.GetAsync(leaving.UserId, cancellationToken) ?? throw TanagerException.NotFound("Member");
        await events.PublishAsync(Membership.Left(leaving), leaving.ToDto(user), TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);
    }

    private static void EnsureManager(WorkspaceMember caller, string action)
    {
        if (!Permissions.Has(caller.Role, Permission.ManageWorkspace))
        {
            throw TanagerException.Forbidden($"A {caller.Role.ToWire()} may not {action}.");
        }
    }

    private static WorkspaceRole ParseRole(string? role) =>
        role is null ? WorkspaceRole.Member
        : DtoMapping.TryParseRole(role, out var parsed) && parsed != WorkspaceRole.Owner ? parsed
        : throw TanagerException.Invalid("role must be one of admin, member, guest.");
}
