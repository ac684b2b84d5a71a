using LinqToDB.Mapping;
using NUlid;

namespace Tanager.Storage.Relational.Internal;

[Table("users")]
internal sealed class UserRow
{
    [PrimaryKey, Column("id")] public Ulid Id { get; set; }
    [Column("email"), NotNull] public string Email { get; set; } = "";
    /// <summary>The email as compared (<see cref="User.EmailKey"/>): unique.</summary>
    [Column("email_key"), NotNull] public string EmailKey { get; set; } = "";
    [Column("display_name"), NotNull] public string DisplayName { get; set; } = "";
    [Column("password_hash"), NotNull] public string PasswordHash { get; set; } = "";
    [Column("created_at")] public DateTimeOffset CreatedAt { get; set; }
    [Column("updated_at")] public DateTimeOffset UpdatedAt { get; set; }
    [Column("avatar_url")] public string? AvatarUrl { get; set; }
    [Column("status_text")] public string? StatusText { get; set; }
    [Column("status_emoji")] public string? StatusEmoji { get; set; }
    /// <summary><see cref="UserKind"/> (a smallint in PostgreSQL).</summary>
    [Column("kind")] public short Kind { get; set; }
    [Column("owner_id")] public Ulid? OwnerId { get; set; }
    [Column("external_id")] public string? ExternalId { get; set; }
    [Column("is_server_admin")] public bool IsServerAdmin { get; set; }
    [Column("deactivated_at")] public DateTimeOffset? DeactivatedAt { get; set; }

    public static UserRow From(User user) => new()
    {
        Id = user.Id, Email = user.Email, EmailKey = User.EmailKey(user.Email), DisplayName = user.DisplayName, PasswordHash = user.PasswordHash,
        CreatedAt = user.CreatedAt, UpdatedAt = user.UpdatedAt, AvatarUrl = user.AvatarUrl, StatusText = user.StatusText, StatusEmoji = user.StatusEmoji,
        Kind = (short)user.Kind, OwnerId = user.OwnerId, ExternalId = user.ExternalId, IsServerAdmin = user.IsServerAdmin, DeactivatedAt = user.DeactivatedAt,
    };

    public User ToDomain() => new(Id, Email, DisplayName, PasswordHash, CreatedAt, UpdatedAt)
    {
        AvatarUrl = AvatarUrl, StatusText = StatusText, StatusEmoji = StatusEmoji, Kind = (UserKind)Kind, OwnerId = OwnerId, ExternalId = ExternalId,
        IsServerAdmin = IsServerAdmin, DeactivatedAt = DeactivatedAt,
    };
}

/// <summary>A stored credential: a login session, a bot token or a gateway ticket, found by its token's hash.</summary>
[Table("sessions")]
internal sealed class SessionRow
{
    [PrimaryKey, Column("id")] public Ulid Id { get; set; }
    [Column("token_hash"), NotNull] public byte[] TokenHash { get; set; } = [];
    [Column("user_id")] public Ulid UserId { get; set; }
    /// <summary><see cref="CredentialKind"/> (a smallint in PostgreSQL).</summary>
    [Column("kind")] public short Kind { get; set; }
    [Column("created_at")] public DateTimeOffset CreatedAt { get; set; }
    [Column("expires_at")] public DateTimeOffset ExpiresAt { get; set; }
    [Column("last_used_at")] public DateTimeOffset LastUsedAt { get; set; }
    [Column("name")] public string? Name { get; set; }
    /// <summary>text[] in PostgreSQL, a JSON array in SQLite; null is every scope, empty is none.</summary>
    [Column("scopes")] public string[]? Scopes { get; set; }
    [Column("user_agent")] public string? UserAgent { get; set; }
    [Column("ip_address")] public string? IpAddress { get; set; }
    [Column("parent_id")] public Ulid? ParentId { get; set; }

    public static SessionRow From(UserSession session) => new()
    {
        Id = session.Id, TokenHash = session.TokenHash, UserId = session.UserId, Kind = (short)session.Kind, CreatedAt = session.CreatedAt, ExpiresAt = session.ExpiresAt,
        LastUsedAt = session.LastUsedAt, Name = session.Name, Scopes = session.Scopes?.ToArray(), UserAgent = session.UserAgent, IpAddress = session.IpAddress,
        ParentId = session.ParentId,
    };

    public UserSession ToDomain() => new(Id, TokenHash, UserId, (CredentialKind)Kind, CreatedAt, ExpiresAt)
    {
        LastUsedAt = LastUsedAt, Name = Name, Scopes = Scopes, UserAgent = UserAgent, IpAddress = IpAddress, ParentId = ParentId,
    };
}
