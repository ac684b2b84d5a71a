using Microsoft.Extensions.Logging;

namespace Tanager.Internal;

internal static partial class Log
{
    [LoggerMessage(EventId = 1950, Level = LogLevel.Information, Message = "Email notifications are on: SMTP server {Host}:{Port} ({Security}), delay {Delay}")]
    public static partial void EmailNotificationsOn(ILogger logger, string host, int port, SmtpSecurity security, TimeSpan delay);

    [LoggerMessage(EventId = 1951, Level = LogLevel.Information, Message = "Sent a notification email to user {UserId} about {Count} messages")]
    public static partial void NotificationEmailSent(ILogger logger, string userId, int count);

    [LoggerMessage(EventId = 1952, Level = LogLevel.Error, Message = "A notification email to user {UserId} could not be sent; its messages are not retried")]
    public static partial void NotificationEmailFailed(ILogger logger, string userId, Exception exception);

    [LoggerMessage(EventId = 1953, Level = LogLevel.Error, Message = "The email notification round failed; messages it did not claim stay due for the next round")]
    public static partial void NotificationRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1954, Level = LogLevel.Information, Message = "Web Push notifications are on: VAPID subject {Subject}, delay {Delay}")]
    public static partial void WebPushOn(ILogger logger, string subject, TimeSpan delay);

    [LoggerMessage(EventId = 1955, Level = LogLevel.Debug, Message = "Pushed a notification to user {UserId}'s subscription {SubscriptionId}")]
    public static partial void WebPushSent(ILogger logger, string userId, string subscriptionId);

    [LoggerMessage(EventId = 1956, Level = LogLevel.Information, Message = "The push service answered {Status} for user {UserId}'s subscription {SubscriptionId}: it is gone, so it was deleted")]
    public static partial void WebPushGone(ILogger logger, string userId, string subscriptionId, int status);

    [LoggerMessage(EventId = 1957, Level = LogLevel.Warning, Message = "A push to user {UserId}'s subscription {SubscriptionId} failed and is not retried: {Error}")]
    public static partial void WebPushFailed(ILogger logger, string userId, string subscriptionId, string error);

    [LoggerMessage(EventId = 1958, Level = LogLevel.Error, Message = "The Web Push round failed; messages it did not claim stay due for the next round")]
    public static partial void WebPushRoundFailed(ILogger logger, Exception exception);
}
