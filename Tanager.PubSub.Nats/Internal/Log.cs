using Microsoft.Extensions.Logging;

namespace Tanager.PubSub.Nats.Internal;

/// <summary>
/// All of the NATS pub/sub's log messages. URLs are logged without their credentials (<see cref="NatsUrl.Display"/>);
/// payloads are never logged. Drops are logged once per episode and counted, so an outage does not flood the log.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Connected to NATS at {Url} as {Name}")]
    public static partial void Connected(ILogger logger, string url, string name);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Cannot connect to NATS at {Url}")]
    public static partial void ConnectFailed(ILogger logger, Exception exception, string url);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Lost the connection to NATS at {Url}; reconnecting. Publishes are dropped until it is back")]
    public static partial void Disconnected(ILogger logger, string url);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Reconnecting to NATS at {Url} failed; trying again")]
    public static partial void ReconnectFailed(ILogger logger, string url);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Reconnected to NATS at {Url}")]
    public static partial void Reconnected(ILogger logger, string url);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Dropped a publish to {Subject} ({Reason}); further drops are counted until NATS works again")]
    public static partial void PublishDropped(ILogger logger, string subject, string reason);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "The subscription to {Subject} fell behind and dropped a delivery; further drops are counted until listeners catch up")]
    public static partial void DeliveryDropped(ILogger logger, string subject);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Deliveries may have been lost ({DroppedPublishes} publishes and {DroppedDeliveries} deliveries dropped since the last catch-up); subscriptions are live, telling listeners to catch up")]
    public static partial void DeliveriesLost(ILogger logger, long droppedPublishes, long droppedDeliveries);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Error, Message = "A handler of the subscription to {Subject} threw; the subscription goes on")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string subject);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Error, Message = "A DeliveriesLost handler threw")]
    public static partial void DeliveriesLostHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Debug, Message = "Unsubscribing from {Subject} failed; the server drops the subscription with the connection")]
    public static partial void UnsubscribeFailed(ILogger logger, Exception exception, string subject);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "A message on {Subject} is not a Tanager event (no event header); it is dropped")]
    public static partial void NotAnEvent(ILogger logger, string subject);
}
