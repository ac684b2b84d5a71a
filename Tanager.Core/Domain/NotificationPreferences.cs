using NUlid;

namespace Tanager;

/// <summary>
/// A person's notification settings: the email level, the channels they muted (no email from them at all), and their
/// quiet hours (no email then), if any.
/// </summary>
public sealed record NotificationPreferences(Ulid UserId, EmailNotificationLevel Email, IReadOnlyList<Ulid> MutedChannels, QuietHours? QuietHours = null)
{
    /// <summary>What a person who never saved preferences gets.</summary>
    public static NotificationPreferences Default(Ulid userId) => new(userId, EmailNotificationLevel.Mentions, []);
}
