using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>Workspaces and their membership.</summary>
public sealed class WorkspaceService(IWorkspaceStore workspaces, IUserStore users, EventDispatcher events, TimeProvider time)
{
    public async Task<(Workspace Workspace, WorkspaceMember Member)> CreateAsync(Ulid callerId, string? name, CancellationToken cancellationToken = default)
    {
        var validName = Validate.Text(name, "name", Validate.MaxWorkspaceNameLength);
        var now = time.UtcNow();
        var workspace = new Workspace(Ulid.NewUlid(now), validName, callerId, now, now);
        var owner = new WorkspaceMember(workspace.Id, callerId, WorkspaceRole.Owner, now);
        await workspaces.CreateAsync(workspace, owner, cancellationToken);
        var caller = await users.GetAsync(callerId, cancellationToken) ?? throw TanagerException.NotFound("User");
        // The owner's open connections learn of it and subscribe to the workspace.
        await events.DispatchAsync(Subjects.User(callerId), GatewayEvents.WorkspaceMemberAdd, owner.ToDto(caller), TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);
        return (workspace, owner);
    }

    public async Task<IReadOnlyList<(Workspace Workspace, WorkspaceMember Member)>> ListAsync(Ulid callerId, CancellationToken cancellationToken = default)
    {
        return await workspaces.ListForUserAsync(callerId, cancellationToken);
    }

    public async Task<(Workspace Workspace, WorkspaceMember Member)> GetAsync(Ulid callerId, Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        var member = await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        var workspace = await workspaces.GetAsync(workspaceId, cancellationToken) ?? throw TanagerException.NotFound("Workspace");
        return (workspace, member);
    }

    public async Task<(WorkspaceMember Member, User User)> AddMemberAsync(Ulid callerId, Ulid workspaceId, string? userId, string? email, string? role, CancellationToken cancellationToken = default)
    {
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
        var user = userId is not null
            ? await users.GetAsync(Ids.Parse(userId, "User"), cancellationToken)
            : await users.FindByEmailAsync(email!.Trim(), cancellationToken);
        if (user is null)
        {
            throw TanagerException.NotFound("User");
        }
        var member = new WorkspaceMember(workspaceId, user.Id, granted, time.UtcNow());
        if (!await workspaces.TryAddMemberAsync(member, cancellationToken))
        {
            throw TanagerException.Conflict(ErrorCodes.Conflict, "The user is a member of this workspace already.");
        }
        await events.DispatchAsync([Subjects.Workspace(workspaceId), Subjects.User(user.Id)], GatewayEvents.WorkspaceMemberAdd, member.ToDto(user), TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);
        return (member, user);
    }

    public async Task<IReadOnlyList<(WorkspaceMember Member, User User)>> ListMembersAsync(Ulid callerId, Ulid workspaceId, CancellationToken cancellationToken = default)
    {
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

    private static WorkspaceRole ParseRole(string? role) =>
        role is null ? WorkspaceRole.Member
        : DtoMapping.TryParseRole(role, out var parsed) && parsed != WorkspaceRole.Owner ? parsed
        : throw TanagerException.Invalid("role must be one of admin, member, guest.");
}
