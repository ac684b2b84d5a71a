using NUlid;

namespace Tanager;

/// <summary>A person's notification settings: the email level and the channels they muted (no email from them at all).</summary>
public sealed record NotificationPreferences(Ulid UserId, EmailNotificationLevel Email, IReadOnlyList<Ulid> MutedChannels)
{
    /// <summary>What a person who never saved preferences gets.</summary>
    public static NotificationPreferences Default(Ulid userId) => new(userId, EmailNotificationLevel.Mentions, []);
}
