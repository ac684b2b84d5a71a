using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>Notification preferences (which unread messages are emailed while away, muted channels, quiet hours) and Web Push subscriptions.</summary>
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

    /// <summary>The server's VAPID public key (base64url), a browser's <c>applicationServerKey</c>; 404 when Web Push is off.</summary>
    public async Task<string> GetWebPushKeyAsync(CancellationToken cancellationToken = default) =>
        (await GetAsync("notifications/web-push-key", TanagerJsonContext.Default.WebPushKeyDto, cancellationToken)).PublicKey;

    /// <summary>Saves a browser's push subscription (<c>PushSubscription.toJSON()</c>'s endpoint and keys) for the user.</summary>
    public Task<WebPushSubscriptionDto> SubscribeWebPushAsync(WebPushSubscribeRequest subscription, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "users/me/web-push-subscriptions", subscription,
            TanagerJsonContext.Default.WebPushSubscribeRequest, TanagerJsonContext.Default.WebPushSubscriptionDto, cancellationToken);

    /// <summary>The user's push subscriptions, oldest first.</summary>
    public Task<IReadOnlyList<WebPushSubscriptionDto>> ListWebPushSubscriptionsAsync(CancellationToken cancellationToken = default) =>
        GetAsync("users/me/web-push-subscriptions", TanagerJsonContext.Default.IReadOnlyListWebPushSubscriptionDto, cancellationToken);

    /// <summary>Removes one of the user's push subscriptions.</summary>
    public Task UnsubscribeWebPushAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Delete, $"users/me/web-push-subscriptions/{Escape(subscriptionId)}", null, null, null, cancellationToken);
}
