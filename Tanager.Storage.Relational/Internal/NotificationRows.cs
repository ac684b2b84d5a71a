using LinqToDB.Mapping;
using NUlid;

namespace Tanager.Storage.Relational.Internal;

[Table("notification_preferences")]
internal sealed class NotificationPreferencesRow
{
    [PrimaryKey, Column("user_id")] public Ulid UserId { get; set; }
    [Column("email_level"), NotNull] public string EmailLevel { get; set; } = "";
    /// <summary>Comma-separated channel ids, in order.</summary>
    [Column("muted_channels"), NotNull] public string MutedChannels { get; set; } = "";
    /// <summary><see cref="QuietHours.ToString"/>, or null.</summary>
    [Column("quiet_hours")] public string? QuietHours { get; set; }
}

/// <summary>A notifier's one row (id 1): how far through the messages it has got, and its key.</summary>
internal interface INotifierStateRow
{
    int Id { get; set; }
    Ulid Cursor { get; set; }
    byte[] Key { get; set; }
}

/// <summary>The email notifier's (<c>notification_state</c>, its key signs unsubscribe links).</summary>
[Table("notification_state")]
internal sealed class EmailNotifierStateRow : INotifierStateRow
{
    [PrimaryKey, Column("id")] public int Id { get; set; }
    [Column("cursor")] public Ulid Cursor { get; set; }
    [Column("signing_key"), NotNull] public byte[] Key { get; set; } = [];
}

/// <summary>The push notifier's one row (<c>web_push_state</c>, its key is the VAPID key pair).</summary>
[Table("web_push_state")]
internal sealed class PushNotifierStateRow : INotifierStateRow
{
    [PrimaryKey, Column("id")] public int Id { get; set; }
    [Column("cursor")] public Ulid Cursor { get; set; }
    [Column("vapid_key"), NotNull] public byte[] Key { get; set; } = [];
}

[Table("web_push_subscriptions")]
internal sealed class WebPushSubscriptionRow
{
    [PrimaryKey, Column("id")] public Ulid Id { get; set; }
    [Column("user_id")] public Ulid UserId { get; set; }
    [Column("endpoint"), NotNull] public string Endpoint { get; set; } = "";
    [Column("p256dh"), NotNull] public byte[] P256dh { get; set; } = [];
    [Column("auth"), NotNull] public byte[] Auth { get; set; } = [];
    [Column("created_at")] public DateTimeOffset CreatedAt { get; set; }

    public WebPushSubscription ToDomain() => new(Id, UserId, Endpoint, P256dh, Auth, CreatedAt);
}
