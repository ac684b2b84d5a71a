using LinqToDB.Mapping;
using NUlid;

namespace Tanager.Storage.Relational.Internal;

[Table("incoming_webhooks")]
internal sealed class IncomingWebhookRow
{
    [PrimaryKey(0), Column("workspace_id")] public Ulid WorkspaceId { get; set; }
    [PrimaryKey(1), Column("id")] public Ulid Id { get; set; }
    [Column("channel_id")] public Ulid ChannelId { get; set; }
    [Column("bot_user_id")] public Ulid BotUserId { get; set; }
    [Column("name"), NotNull] public string Name { get; set; } = "";
    [Column("token_hash"), NotNull] public byte[] TokenHash { get; set; } = [];
    [Column("created_by")] public Ulid CreatedBy { get; set; }
    [Column("created_at")] public DateTimeOffset CreatedAt { get; set; }

    public static IncomingWebhookRow From(IncomingWebhook hook) => new()
    {
        WorkspaceId = hook.WorkspaceId, Id = hook.Id, ChannelId = hook.ChannelId, BotUserId = hook.BotUserId, Name = hook.Name,
        TokenHash = hook.TokenHash, CreatedBy = hook.CreatedBy, CreatedAt = hook.CreatedAt,
    };

    public IncomingWebhook ToDomain() => new(Id, WorkspaceId, ChannelId, BotUserId, Name, TokenHash, CreatedBy, CreatedAt);
}

[Table("external_logins")]
internal sealed class ExternalLoginRow
{
    [PrimaryKey(0), Column("provider"), NotNull] public string Provider { get; set; } = "";
    [PrimaryKey(1), Column("subject"), NotNull] public string Subject { get; set; } = "";
    [Column("user_id")] public Ulid UserId { get; set; }
    [Column("email")] public string? Email { get; set; }
    [Column("created_at")] public DateTimeOffset CreatedAt { get; set; }

    public ExternalLogin ToDomain() => new(Provider, Subject, UserId, CreatedAt) { Email = Email };
}

[Table("slash_commands")]
internal sealed class SlashCommandRow
{
    [PrimaryKey(0), Column("workspace_id")] public Ulid WorkspaceId { get; set; }
    [PrimaryKey(1), Column("id")] public Ulid Id { get; set; }
    [Column("name"), NotNull] public string Name { get; set; } = "";
    [Column("bot_user_id")] public Ulid? BotUserId { get; set; }
    [Column("description"), NotNull] public string Description { get; set; } = "";
    [Column("usage_hint")] public string? UsageHint { get; set; }
    [Column("secret"), NotNull] public byte[] Secret { get; set; } = [];
    [Column("created_by")] public Ulid CreatedBy { get; set; }
    [Column("created_at")] public DateTimeOffset CreatedAt { get; set; }
    [Column("updated_at")] public DateTimeOffset UpdatedAt { get; set; }
    [Column("url")] public string? Url { get; set; }

    public static SlashCommandRow From(SlashCommand command) => new()
    {
        WorkspaceId = command.WorkspaceId, Id = command.Id, Name = command.Name, BotUserId = command.BotUserId, Description = command.Description,
        UsageHint = command.UsageHint, Secret = command.Secret, CreatedBy = command.CreatedBy, CreatedAt = command.CreatedAt, UpdatedAt = command.UpdatedAt,
        Url = command.Url,
    };

    public SlashCommand ToDomain() =>
        new(Id, WorkspaceId, Name, BotUserId, Description, UsageHint, Secret, CreatedBy, CreatedAt, UpdatedAt) { Url = Url };
}
