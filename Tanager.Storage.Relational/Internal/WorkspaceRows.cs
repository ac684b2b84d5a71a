using LinqToDB.Mapping;
using NUlid;

namespace Tanager.Storage.Relational.Internal;

[Table("workspace_members")]
internal sealed class WorkspaceMemberRow
{
    [PrimaryKey(0), Column("workspace_id")] public Ulid WorkspaceId { get; set; }
    [PrimaryKey(1), Column("user_id")] public Ulid UserId { get; set; }
    /// <summary>The role's wire name (owner, admin, member, guest).</summary>
    [Column("role"), NotNull] public string Role { get; set; } = "";
    [Column("joined_at")] public DateTimeOffset JoinedAt { get; set; }

    public static WorkspaceMemberRow From(WorkspaceMember member) =>
        new() { WorkspaceId = member.WorkspaceId, UserId = member.UserId, Role = member.Role.ToWire(), JoinedAt = member.JoinedAt };

    public WorkspaceMember ToDomain() => new(WorkspaceId, UserId, DtoMapping.ParseRole(Role), JoinedAt);
}

[Table("workspace_invitations")]
internal sealed class WorkspaceInvitationRow
{
    [PrimaryKey(0), Column("workspace_id")] public Ulid WorkspaceId { get; set; }
    [PrimaryKey(1), Column("id")] public Ulid Id { get; set; }
    [Column("email_key"), NotNull] public string EmailKey { get; set; } = "";
    [Column("user_id")] public Ulid? UserId { get; set; }
    [Column("role"), NotNull] public string Role { get; set; } = "";
    [Column("invited_by")] public Ulid InvitedBy { get; set; }
    [Column("created_at")] public DateTimeOffset CreatedAt { get; set; }
    [Column("expires_at")] public DateTimeOffset ExpiresAt { get; set; }

    public WorkspaceInvitation ToDomain() => new(WorkspaceId, Id, EmailKey, UserId, DtoMapping.ParseRole(Role), InvitedBy, CreatedAt, ExpiresAt);
}
