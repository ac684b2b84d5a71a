using LinqToDB;
using LinqToDB.Async;
using NUlid;
using Tanager.Storage.Relational.Internal;

namespace Tanager.Storage.Relational;

/// <summary>Personal workspace invitations, addressed to an email key, on both SQL stores.</summary>
public abstract partial class RelationalStore
{
    /// <summary>
    /// Saves an invitation, or renews the workspace's one to the same email (its role, inviter and expiry; the invitee's id
    /// once known), keeping its id. Two invitations of one new email at the same moment can both find none, and the
    /// second insert then breaks the (workspace, email) uniqueness: that one runs again and renews.
    /// </summary>
    public async ValueTask<WorkspaceInvitation> SaveInvitationAsync(WorkspaceInvitation invitation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        return await Database.InTransactionRetriedOnceAsync(async db =>
        {
            var table = db.GetTable<WorkspaceInvitationRow>();
            var row = await table.FirstOrDefaultAsync(r => r.WorkspaceId == invitation.WorkspaceId && r.EmailKey == invitation.EmailKey, cancellationToken);
            if (row is null)
            {
                row = new WorkspaceInvitationRow
                {
                    WorkspaceId = invitation.WorkspaceId, Id = invitation.Id, EmailKey = invitation.EmailKey, UserId = invitation.UserId,
                    Role = invitation.Role.ToWire(), InvitedBy = invitation.InvitedBy, CreatedAt = invitation.CreatedAt, ExpiresAt = invitation.ExpiresAt,
                };
                await db.InsertAsync(row, token: cancellationToken);
            }
            else
            {
                row.Role = invitation.Role.ToWire();
                row.InvitedBy = invitation.InvitedBy;
                row.ExpiresAt = invitation.ExpiresAt;
                row.UserId = invitation.UserId ?? row.UserId;
                await db.UpdateAsync(row, token: cancellationToken);
            }
            return row.ToDomain();
        }, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<WorkspaceInvitation>> ListInvitationsForAsync(string emailKey, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db => db.GetTable<WorkspaceInvitationRow>().Where(r => r.EmailKey == emailKey && r.ExpiresAt > now)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToListAsync(cancellationToken), cancellationToken)).Select(r => r.ToDomain())];

    /// <summary>
    /// Takes the invitation (it must still be valid and addressed to <paramref name="emailKey"/>) and makes the user a member
    /// with its role, in one transaction; one who is a member already keeps their role. Null when there is no such invitation.
    /// </summary>
    public async ValueTask<InvitationAcceptance?> AcceptInvitationAsync(Ulid workspaceId, Ulid invitationId, string emailKey, Ulid userId, DateTimeOffset now,
        CancellationToken cancellationToken = default) =>
        await Database.InTransactionAsync(async db =>
        {
            var invitations = db.GetTable<WorkspaceInvitationRow>().Where(r => r.WorkspaceId == workspaceId && r.Id == invitationId && r.EmailKey == emailKey && r.ExpiresAt > now);
            var invitation = await invitations.FirstOrDefaultAsync(cancellationToken);
            if (invitation is null || await invitations.DeleteAsync(cancellationToken) != 1)
            {
                return null;
            }
            var existing = await db.GetTable<WorkspaceMemberRow>().FirstOrDefaultAsync(m => m.WorkspaceId == workspaceId && m.UserId == userId, cancellationToken);
            if (existing is not null)
            {
                return new InvitationAcceptance(existing.ToDomain(), Joined: false);
            }
            var member = new WorkspaceMember(workspaceId, userId, DtoMapping.ParseRole(invitation.Role), now);
            await db.InsertAsync(WorkspaceMemberRow.From(member), token: cancellationToken);
            return new InvitationAcceptance(member, Joined: true);
        }, cancellationToken);

    public async ValueTask<bool> DeleteInvitationAsync(Ulid workspaceId, Ulid invitationId, string emailKey, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<WorkspaceInvitationRow>().Where(r => r.WorkspaceId == workspaceId && r.Id == invitationId && r.EmailKey == emailKey)
            .DeleteAsync(cancellationToken), cancellationToken) == 1;
}
