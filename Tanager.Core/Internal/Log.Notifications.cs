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
}
