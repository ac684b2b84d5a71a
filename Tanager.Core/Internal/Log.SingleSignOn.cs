using Microsoft.Extensions.Logging;

namespace Tanager.Internal;

internal static partial class Log
{
    [LoggerMessage(EventId = 1900, Level = LogLevel.Information, Message = "Single sign-on through {Provider} created user {UserId}")]
    public static partial void SsoUserCreated(ILogger logger, string provider, string userId);

    [LoggerMessage(EventId = 1901, Level = LogLevel.Information, Message = "Single sign-on through {Provider} linked to user {UserId} ({How})")]
    public static partial void SsoLinked(ILogger logger, string provider, string userId, string how);

    [LoggerMessage(EventId = 1902, Level = LogLevel.Information, Message = "Single sign-on through {Provider} signed in user {UserId}")]
    public static partial void SsoSignedIn(ILogger logger, string provider, string userId);

    [LoggerMessage(EventId = 1903, Level = LogLevel.Warning, Message = "Single sign-on through {Provider} refused: {Reason}")]
    public static partial void SsoRefused(ILogger logger, string provider, string reason);

    [LoggerMessage(EventId = 1904, Level = LogLevel.Information, Message = "User {UserId} unlinked single sign-on through {Provider}")]
    public static partial void SsoUnlinked(ILogger logger, string provider, string userId);
}
