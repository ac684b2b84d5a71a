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

[Table("workspaces")]
internal sealed class WorkspaceRow
{
    [PrimaryKey, Column("id")] public Ulid Id { get; set; }
    [Column("name"), NotNull] public string Name { get; set; } = "";
    [Column("owner_id")] public Ulid OwnerId { get; set; }
    [Column("created_at")] public DateTimeOffset CreatedAt { get; set; }
    [Column("updated_at")] public DateTimeOffset UpdatedAt { get; set; }

    public static WorkspaceRow From(Workspace workspace) =>
        new() { Id = workspace.Id, Name = workspace.Name, OwnerId = workspace.OwnerId, CreatedAt = workspace.CreatedAt, UpdatedAt = workspace.UpdatedAt };

    public Workspace ToDomain() => new(Id, Name, OwnerId, CreatedAt, UpdatedAt);
}

/// <summary>A shareable invite link: the code is kept only as its hash.</summary>
[Table("workspace_invites")]
internal sealed class WorkspaceInviteRow
{
    [PrimaryKey(0), Column("workspace_id")] public Ulid WorkspaceId { get; set; }
    [PrimaryKey(1), Column("id")] public Ulid Id { get; set; }
    [Column("code_hash"), NotNull] public byte[] CodeHash { get; set; } = [];
    [Column("role"), NotNull] public string Role { get; set; } = "";
    [Column("created_by")] public Ulid CreatedBy { get; set; }
    [Column("created_at")] public DateTimeOffset CreatedAt { get; set; }
    [Column("expires_at")] public DateTimeOffset? ExpiresAt { get; set; }
    [Column("max_uses")] public int? MaxUses { get; set; }
    [Column("uses")] public int Uses { get; set; }
    [Column("revoked_at")] public DateTimeOffset? RevokedAt { get; set; }

    public static WorkspaceInviteRow From(WorkspaceInvite invite) => new()
    {
        WorkspaceId = invite.WorkspaceId, Id = invite.Id, CodeHash = invite.CodeHash, Role = invite.Role.ToWire(), CreatedBy = invite.CreatedBy,
        CreatedAt = invite.CreatedAt, ExpiresAt = invite.ExpiresAt, MaxUses = invite.MaxUses, Uses = invite.Uses, RevokedAt = invite.RevokedAt,
    };

    public WorkspaceInvite ToDomain() => new(WorkspaceId, Id, CodeHash, DtoMapping.ParseRole(Role), CreatedBy, CreatedAt, ExpiresAt, MaxUses, Uses, RevokedAt);
}
