using LinqToDB.Mapping;
using NUlid;

namespace Tanager.Storage.Relational.Internal;

[Table("two_factor")]
internal sealed class TwoFactorRow
{
    [PrimaryKey, Column("user_id")] public Ulid UserId { get; set; }
    [Column("secret"), NotNull] public string Secret { get; set; } = "";
    [Column("created_at")] public DateTimeOffset CreatedAt { get; set; }
    [Column("enabled_at")] public DateTimeOffset? EnabledAt { get; set; }
    [Column("last_used_step")] public long LastUsedStep { get; set; }
}

/// <summary>Only the SHA-256 of each code: a code is used by deleting its row.</summary>
[Table("two_factor_recovery_codes")]
internal sealed class RecoveryCodeRow
{
    [PrimaryKey(0), Column("user_id")] public Ulid UserId { get; set; }
    [PrimaryKey(1), Column("code_hash"), NotNull] public byte[] CodeHash { get; set; } = [];
}

[Table("audit_events")]
internal sealed class AuditEventRow
{
    [PrimaryKey, Column("id")] public Ulid Id { get; set; }
    [Column("kind"), NotNull] public string Kind { get; set; } = "";
    [Column("occurred_at")] public DateTimeOffset OccurredAt { get; set; }
    [Column("actor_id")] public Ulid? ActorId { get; set; }
    [Column("user_id")] public Ulid? UserId { get; set; }
    [Column("ip_address")] public string? IpAddress { get; set; }
    [Column("user_agent")] public string? UserAgent { get; set; }
    [Column("detail")] public string? Detail { get; set; }

    public AuditEvent ToDomain() =>
        new(Id, Kind, OccurredAt) { ActorId = ActorId, UserId = UserId, IpAddress = IpAddress, UserAgent = UserAgent, Detail = Detail };
}

[Table("api_keys")]
internal sealed class ApiKeyRow
{
    [PrimaryKey, Column("id")] public Ulid Id { get; set; }
    [Column("name"), NotNull] public string Name { get; set; } = "";
    /// <summary>The SHA-256 of the key: the key itself is shown once and never stored.</summary>
    [Column("key_hash"), NotNull] public byte[] KeyHash { get; set; } = [];
    [Column("created_by")] public Ulid CreatedBy { get; set; }
    [Column("created_at")] public DateTimeOffset CreatedAt { get; set; }

    public ApiKey ToDomain() => new(Id, Name, KeyHash, CreatedBy, CreatedAt);
}

[Table("read_states")]
internal sealed class ReadStateRow
{
    [PrimaryKey(0), Column("workspace_id")] public Ulid WorkspaceId { get; set; }
    [PrimaryKey(1), Column("channel_id")] public Ulid ChannelId { get; set; }
    [PrimaryKey(2), Column("user_id")] public Ulid UserId { get; set; }
    [Column("last_read_sequence")] public long LastReadSequence { get; set; }
    [Column("updated_at")] public DateTimeOffset UpdatedAt { get; set; }
}
