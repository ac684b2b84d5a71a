using System.Security.Cryptography;
using System.Text;
using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>Invitations: personal ones an invitee accepts or declines, and invite links (codes anyone holding them may redeem).</summary>
public sealed partial class WorkspaceService
{
    /// <summary>Invite codes name their workspace (so a lookup is routed to one shard) and carry 144 random bits.</summary>
    private const string InvitePrefix = "tgi_";
    private const int InviteSecretBytes = 18;

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
            await events.PublishAsync(Membership.Joined(acceptance.Member), acceptance.Member.ToDto(caller), TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);
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
            await events.PublishAsync(EventHeader.ForUser(GatewayEvents.WorkspaceInvitationCreate, invitee.Id), stored.ToDto(workspace, inviter), TanagerJsonContext.Default.InvitationDto, cancellationToken);
        }
    }

    private async Task<(User Caller, WorkspaceInvitation Invitation)> OwnInvitationAsync(Ulid callerId, Ulid invitationId, CancellationToken cancellationToken)
    {
        var caller = await users.GetAsync(callerId, cancellationToken) ?? throw TanagerException.NotFound("Invitation");
        var pending = await workspaces.ListInvitationsForAsync(User.EmailKey(caller.Email), time.UtcNow(), cancellationToken);
        var invitation = pending.FirstOrDefault(i => i.Id == invitationId) ?? throw TanagerException.NotFound("Invitation");
        return (caller, invitation);
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
            await events.PublishAsync(Membership.Joined(member), member.ToDto(user), TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);
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
}
