using Microsoft.Extensions.Logging;

namespace Tanager.Internal;

internal static partial class Log
{
    [LoggerMessage(EventId = 1960, Level = LogLevel.Debug, Message = "Delivered event {DeliveryId} ({EventType}) to subscription {SubscriptionId} on attempt {Attempt}")]
    public static partial void WebhookDelivered(ILogger logger, string deliveryId, string eventType, string subscriptionId, int attempt);

    [LoggerMessage(EventId = 1961, Level = LogLevel.Information, Message = "Delivery {DeliveryId} to subscription {SubscriptionId} failed on attempt {Attempt} ({Error}); next attempt in {Delay}")]
    public static partial void WebhookRetrying(ILogger logger, string deliveryId, string subscriptionId, int attempt, string error, TimeSpan delay);

    [LoggerMessage(EventId = 1962, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} to subscription {SubscriptionId} failed {Attempt} times ({Error}); it is a dead letter now")]
    public static partial void WebhookDeadLettered(ILogger logger, string deliveryId, string subscriptionId, int attempt, string error);

    [LoggerMessage(EventId = 1963, Level = LogLevel.Error, Message = "The outgoing webhook round failed; unclaimed deliveries stay due")]
    public static partial void WebhookRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1964, Level = LogLevel.Error, Message = "Event {EventType} of workspace {WorkspaceId} could not be queued for its subscriptions")]
    public static partial void WebhookEnqueueFailed(ILogger logger, Exception exception, string eventType, string workspaceId);

    [LoggerMessage(EventId = 1965, Level = LogLevel.Warning, Message = "Subscription {SubscriptionId}'s message cursor of channel {ChannelId} stayed contended up to sequence {Sequence}; the channel's next message queues what is left")]
    public static partial void WebhookCursorContended(ILogger logger, string subscriptionId, string channelId, long sequence);

    [LoggerMessage(EventId = 1966, Level = LogLevel.Debug, Message = "Slash command /{Command} of workspace {WorkspaceId} answered HTTP {Status} in {Elapsed}")]
    public static partial void CommandAnswered(ILogger logger, string command, string workspaceId, int status, TimeSpan elapsed);

    [LoggerMessage(EventId = 1967, Level = LogLevel.Warning, Message = "Slash command /{Command} of workspace {WorkspaceId} failed at its URL ({Error}); the member who typed it was told, nothing was posted")]
    public static partial void CommandFailed(ILogger logger, string command, string workspaceId, string error);
}
