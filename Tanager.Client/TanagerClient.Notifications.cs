using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>Notification preferences: which unread messages are emailed while away, muted channels, quiet hours.</summary>
public sealed partial class TanagerClient
{
    /// <summary>The user's notification preferences (the defaults when never saved).</summary>
    public Task<NotificationPreferencesDto> GetNotificationPreferencesAsync(CancellationToken cancellationToken = default) =>
        GetAsync("users/me/notification-preferences", TanagerJsonContext.Default.NotificationPreferencesDto, cancellationToken);

    /// <summary>
    /// Changes them: fields left null stay as they are; <see cref="NotificationPreferencesDto.QuietHours"/> with no start,
    /// end or zone (<c>new QuietHoursDto()</c>) removes the quiet hours. Returns what is now saved.
    /// </summary>
    public Task<NotificationPreferencesDto> SetNotificationPreferencesAsync(NotificationPreferencesDto preferences, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, "users/me/notification-preferences", preferences,
            TanagerJsonContext.Default.NotificationPreferencesDto, TanagerJsonContext.Default.NotificationPreferencesDto, cancellationToken);
}
