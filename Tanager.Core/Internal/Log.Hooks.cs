using Microsoft.Extensions.Logging;

namespace Tanager.Internal;

internal static partial class Log
{
    [LoggerMessage(EventId = 1970, Level = LogLevel.Error, Message = "An embedding app's {EventType} hook failed; the change it followed stands")]
    public static partial void HookFailed(ILogger logger, Exception exception, string eventType);
}
