using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>Workspaces, their membership and roles, personal invitations and invite links.</summary>
public sealed class WorkspaceService(IWorkspaceStore workspaces, IUserStore users, EventDispatcher events, IOptions<TanagerOptions> options, TimeProvider time)
{
    /// <summary>Invite codes name their workspace (so a lookup is routed to one shard) and carry 144 random bits.</summary>
    private const string InvitePrefix = "tgi_";
    private const int InviteSecretBytes = 18;

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
        await events.DispatchAsync(Subjects.User(callerId), GatewayEvents.WorkspaceMemberAdd, owner.ToDto(caller), TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);
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
        await events.DispatchAsync([Subjects.Workspace(workspaceId), Subjects.User(user.Id)], GatewayEvents.WorkspaceMemberAdd, member.ToDto(user), TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);
        return new WorkspaceMemberAddition(member, user);
    }

    /// <summary>
    /// The caller's pending invitations (addressed to their email, unexpired), each with its workspace and inviter. An
    /// invitation to a workspace the caller has joined meanwhile is left out.
    /// </summary>
    public async Task<IReadOnlyList<(WorkspaceInvitation Invitation, Workspace Workspace, User? InvitedBy)>> ListInvitationsAsync(Ulid callerId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.WorkspacesManage);
        var caller = await users.GetAsync(callerId, cancellationToken) ?? throw TanagerException.NotFound("User");
        var pending = await workspaces.ListInvitationsForAsync(User.EmailKey(caller.Email), time.UtcNow(), cancellationToken);
        var result = new List<(WorkspaceInvitation, Workspace, User?)>(pending.Count);
        foreach (var invitation in pending)
        {
            if (await workspaces.GetAsync(invitation.WorkspaceId, cancellationToken) is { } workspace
                && await workspaces.GetMemberAsync(invitation.WorkspaceId, callerId, cancellationToken) is null)
            {
                result.Add((invitation, workspace, await users.GetAsync(invitation.InvitedBy, cancellationToken)));
            }
        }
        return result;
    }

    /// <summary>
    /// Accepts one of the caller's invitations: they join with its role and the workspace hears WORKSPACE_MEMBER_ADD. An
    /// invitation addressed to anyone else is 404, as if it did not exist.
    /// </summary>
    public async Task<(Workspace Workspace, WorkspaceMember Member)> AcceptInvitationAsync(Ulid callerId, Ulid invitationId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.WorkspacesManage);
        var (caller, invitation) = await OwnInvitationAsync(callerId, invitationId, cancellationToken);
        var acceptance = await workspaces.AcceptInvitationAsync(invitation.WorkspaceId, invitation.Id, User.EmailKey(caller.Email), callerId, time.UtcNow(), cancellationToken)
            ?? throw TanagerException.NotFound("Invitation");
        var workspace = await workspaces.GetAsync(invitation.WorkspaceId, cancellationToken) ?? throw TanagerException.NotFound("Invitation");
        if (acceptance.Joined)
        {
            await events.DispatchAsync([Subjects.Workspace(invitation.WorkspaceId), Subjects.User(callerId)], GatewayEvents.WorkspaceMemberAdd, acceptance.Member.ToDto(caller), TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);
        }
        return (workspace, acceptance.Member);
    }

    /// <summary>Declines one of the caller's invitations; it is gone, and the inviter is not told.</summary>
    public async Task DeclineInvitationAsync(Ulid callerId, Ulid invitationId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.WorkspacesManage);
        var (caller, invitation) = await OwnInvitationAsync(callerId, invitationId, cancellationToken);
        if (!await workspaces.DeleteInvitationAsync(invitation.WorkspaceId, invitation.Id, User.EmailKey(caller.Email), cancellationToken))
        {
            throw TanagerException.NotFound("Invitation");
        }
    }

    /// <summary>
    /// Stores the invitation (once per address and workspace) and, when the address belongs to an account that is not a
    /// member yet, tells that account's live sessions. A member invited by email is left as they are, answered the same.
    /// </summary>
    private async Task InviteAsync(WorkspaceMember caller, string emailKey, User? invitee, bool userIdGiven, WorkspaceRole role, CancellationToken cancellationToken)
    {
        var workspaceId = caller.WorkspaceId;
        if (invitee is not null && await workspaces.GetMemberAsync(workspaceId, invitee.Id, cancellationToken) is not null)
        {
            return;
        }
        var now = time.UtcNow();
        var invitation = new WorkspaceInvitation(workspaceId, Ulid.NewUlid(now), emailKey, userIdGiven ? invitee!.Id : null, role, caller.UserId, now,
            now + options.Value.InvitationLifetime);
        var stored = await workspaces.SaveInvitationAsync(invitation, cancellationToken);
        if (invitee is not null)
        {
            var workspace = await workspaces.GetAsync(workspaceId, cancellationToken) ?? throw TanagerException.NotFound("Workspace");
            var inviter = await users.GetAsync(caller.UserId, cancellationToken);
            await events.DispatchAsync(Subjects.User(invitee.Id), GatewayEvents.WorkspaceInvitationCreate, stored.ToDto(workspace, inviter), TanagerJsonContext.Default.InvitationDto, cancellationToken);
        }
    }

    private async Task<(User Caller, WorkspaceInvitation Invitation)> OwnInvitationAsync(Ulid callerId, Ulid invitationId, CancellationToken cancellationToken)
    {
        var caller = await users.GetAsync(callerId, cancellationToken) ?? throw TanagerException.NotFound("Invitation");
        var pending = await workspaces.ListInvitationsForAsync(User.EmailKey(caller.Email), time.UtcNow(), cancellationToken);
        var invitation = pending.FirstOrDefault(i => i.Id == invitationId) ?? throw TanagerException.NotFound("Invitation");
        return (caller, invitation);
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
        await events.DispatchAsync(Subjects.Workspace(workspaceId), GatewayEvents.WorkspaceUpdate, workspace.ToDto(), TanagerJsonContext.Default.WorkspaceDto, cancellationToken);
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
        await events.DispatchAsync([Subjects.User(userId), Subjects.Workspace(workspaceId)], GatewayEvents.WorkspaceMemberUpdate, changed.ToDto(user), TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);
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
            await events.DispatchAsync([Subjects.User(changedId), Subjects.Workspace(workspaceId)], GatewayEvents.WorkspaceMemberUpdate, member.ToDto(user), TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);
            callerNow = member;
        }
        var workspace = await workspaces.GetAsync(workspaceId, cancellationToken) ?? throw TanagerException.NotFound("Workspace");
        await events.DispatchAsync(Subjects.Workspace(workspaceId), GatewayEvents.WorkspaceUpdate, workspace.ToDto(), TanagerJsonContext.Default.WorkspaceDto, cancellationToken);
        return (workspace, callerNow!);
    }

    /// <summary>
    /// Creates an invite link (manage_workspace). Returns the code once: only its SHA-256 is stored, so it cannot be shown again.
    /// </summary>
    public async Task<(WorkspaceInvite Invite, string Code)> CreateInviteAsync(Ulid callerId, Ulid workspaceId, string? role, int? maxUses, long? expiresInSeconds, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MembersManage);
        var caller = await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        var inviteRole = role is null ? WorkspaceRole.Member
            : DtoMapping.TryParseRole(role, out var parsed) && parsed is WorkspaceRole.Member or WorkspaceRole.Guest ? parsed
            : throw TanagerException.Invalid("role must be member or guest.");
        if (maxUses is < 1 or > Validate.MaxInviteUses)
        {
            throw TanagerException.Invalid($"max_uses must be between 1 and {Validate.MaxInviteUses}.");
        }
        if (expiresInSeconds is < 1 or > Validate.MaxInviteLifetimeSeconds)
        {
            throw TanagerException.Invalid($"expires_in_seconds must be between 1 and {Validate.MaxInviteLifetimeSeconds} (a year).");
        }
        EnsureManager(caller, "create invites");
        var secret = new byte[16 + InviteSecretBytes];
        workspaceId.ToByteArray().CopyTo(secret, 0);
        RandomNumberGenerator.Fill(secret.AsSpan(16));
        var code = InvitePrefix + Convert.ToBase64String(secret).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = time.UtcNow();
        var invite = new WorkspaceInvite(workspaceId, Ulid.NewUlid(now), HashInviteCode(code), inviteRole, callerId, now,
            expiresInSeconds is { } seconds ? now.AddSeconds(seconds) : null, maxUses, Uses: 0, RevokedAt: null);
        await workspaces.CreateInviteAsync(invite, cancellationToken);
        return (invite, code);
    }

    public async Task<IReadOnlyList<WorkspaceInvite>> ListInvitesAsync(Ulid callerId, Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MembersManage);
        var caller = await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        EnsureManager(caller, "see invites");
        return await workspaces.ListInvitesAsync(workspaceId, cancellationToken);
    }

    /// <summary>Revokes an invite (manage_workspace); revoking a revoked invite changes nothing.</summary>
    public async Task RevokeInviteAsync(Ulid callerId, Ulid workspaceId, Ulid inviteId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MembersManage);
        var caller = await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        EnsureManager(caller, "revoke invites");
        if (!await workspaces.RevokeInviteAsync(workspaceId, inviteId, time.UtcNow(), cancellationToken)
            && !(await workspaces.ListInvitesAsync(workspaceId, cancellationToken)).Any(i => i.Id == inviteId))
        {
            throw TanagerException.NotFound("Invite");
        }
    }

    /// <summary>
    /// Joins the workspace the invite is for, with the invite's role. A member already in it stays as they are (no use is
    /// taken). Expired, used-up and revoked invites are refused with their own codes.
    /// </summary>
    public async Task<(Workspace Workspace, WorkspaceMember Member)> AcceptInviteAsync(Ulid callerId, string? code, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.WorkspacesManage);
        var workspaceId = InviteWorkspace(code) ?? throw TanagerException.NotFound("Invite");
        var redemption = await workspaces.RedeemInviteAsync(workspaceId, HashInviteCode(code!), callerId, time.UtcNow(), cancellationToken);
        var member = redemption.Status switch
        {
            InviteRedemptionStatus.Joined or InviteRedemptionStatus.AlreadyMember => redemption.Member!,
            InviteRedemptionStatus.Expired => throw new TanagerException(TanagerErrorKind.Gone, ErrorCodes.InviteExpired, "This invite has expired."),
            InviteRedemptionStatus.UsedUp => throw new TanagerException(TanagerErrorKind.Gone, ErrorCodes.InviteUsedUp, "This invite has been used as many times as it allows."),
            InviteRedemptionStatus.Revoked => throw new TanagerException(TanagerErrorKind.Gone, ErrorCodes.InviteRevoked, "This invite has been revoked."),
            _ => throw TanagerException.NotFound("Invite"),
        };
        var workspace = await workspaces.GetAsync(workspaceId, cancellationToken) ?? throw TanagerException.NotFound("Invite");
        if (redemption.Status == InviteRedemptionStatus.Joined)
        {
            var user = await users.GetAsync(callerId, cancellationToken) ?? throw TanagerException.NotFound("User");
            await events.DispatchAsync([Subjects.Workspace(workspaceId), Subjects.User(callerId)], GatewayEvents.WorkspaceMemberAdd, member.ToDto(user), TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);
        }
        return (workspace, member);
    }

    /// <summary>Whether an invite code could be redeemed now (for invite-only registration, checked before the account exists).</summary>
    internal async Task<bool> IsInviteUsableAsync(string code, CancellationToken cancellationToken)
    {
        if (InviteWorkspace(code) is not { } workspaceId)
        {
            return false;
        }
        var hash = HashInviteCode(code);
        var invites = await workspaces.ListInvitesAsync(workspaceId, cancellationToken);
        var now = time.UtcNow();
        return invites.Any(i => i.CodeHash.AsSpan().SequenceEqual(hash) && i.StatusAt(now) == InviteRedemptionStatus.Joined);
    }

    /// <summary>Ends a membership and announces it: each channel left, then the workspace, the user's own subject first so their sessions stop following.</summary>
    private async Task EndMembershipAsync(WorkspaceMember leaving, CancellationToken cancellationToken)
    {
        var ended = await workspaces.RemoveMemberAsync(leaving.WorkspaceId, leaving.UserId, cancellationToken) ?? throw TanagerException.NotFound("Member");
        foreach (var membership in ended)
        {
            await events.DispatchAsync([Subjects.User(leaving.UserId), Subjects.Channel(membership.WorkspaceId, membership.ChannelId)], GatewayEvents.ChannelMemberRemove, membership.ToDto(), TanagerJsonContext.Default.ChannelMemberDto, cancellationToken);
        }
        var user = await users.GetAsync(leaving.UserId, cancellationToken) ?? throw TanagerException.NotFound("Member");
        await events.DispatchAsync([Subjects.User(leaving.UserId), Subjects.Workspace(leaving.WorkspaceId)], GatewayEvents.WorkspaceMemberRemove, leaving.ToDto(user), TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);
    }

    private static void EnsureManager(WorkspaceMember caller, string action)
    {
        if (!Permissions.Has(caller.Role, Permission.ManageWorkspace))
        {
            throw TanagerException.Forbidden($"A {caller.Role.ToWire()} may not {action}.");
        }
    }

    /// <summary>The workspace an invite code names, or null when it is not a code Tanager could have made.</summary>
    private static Ulid? InviteWorkspace(string? code)
    {
        const int encodedLength = ((16 + InviteSecretBytes) * 4 + 2) / 3; // base64 without padding
        if (code is null || code.Length != InvitePrefix.Length + encodedLength || !code.StartsWith(InvitePrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var base64 = code[InvitePrefix.Length..].Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - base64.Length % 4) % 4);
        var bytes = new byte[16 + InviteSecretBytes];
        return Convert.TryFromBase64String(base64, bytes, out var written) && written == bytes.Length ? new Ulid(bytes[..16]) : null;
    }

    private static byte[] HashInviteCode(string code) => SHA256.HashData(Encoding.UTF8.GetBytes(code));

    private static WorkspaceRole ParseRole(string? role) =>
        role is null ? WorkspaceRole.Member
        : DtoMapping.TryParseRole(role, out var parsed) && parsed != WorkspaceRole.Owner ? parsed
        : throw TanagerException.Invalid("role must be one of admin, member, guest.");
}
