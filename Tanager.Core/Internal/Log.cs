using Microsoft.Extensions.Logging;

namespace Tanager.Internal;

/// <summary>All of Core's log messages. Tokens and message content are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Debug, Message = "Gateway session {SessionId} identified as user {UserId}")]
    public static partial void SessionIdentified(ILogger logger, string sessionId, string userId);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Gateway session {SessionId} closed by the server with {CloseCode}: {Reason}")]
    public static partial void SessionClosed(ILogger logger, string sessionId, int closeCode, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Draining {Count} gateway sessions")]
    public static partial void Draining(ILogger logger, int count);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Gateway drain ended with {Count} sessions still open")]
    public static partial void DrainIncomplete(ILogger logger, int count);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Gateway session {SessionId} failed to update its subscriptions")]
    public static partial void SubscriptionFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Error, Message = "Gateway session {SessionId} could not read the missed changes of channel {ChannelId}")]
    public static partial void CatchUpFailed(ILogger logger, Exception exception, string sessionId, string channelId);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Could not tell the other nodes to catch up; the pub/sub reports it as a new loss")]
    public static partial void ResyncPublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "A presence update could not be published; the next repetition carries it")]
    public static partial void PresencePublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Pub/sub may have lost events; {Count} gateway sessions catch up from the store")]
    public static partial void DeliveriesLost(ILogger logger, int count);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "A batch of {Count} sends failed; retrying them one by one")]
    public static partial void BatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Error, Message = "Message {Sequence} of channel {ChannelId} is stored but could not be announced")]
    public static partial void AnnounceFailed(ILogger logger, Exception exception, string channelId, long sequence);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Error, Message = "Change {ChangeSequence} ({EventName}) of channel {ChannelId} is stored but could not be announced")]
    public static partial void ChangeAnnounceFailed(ILogger logger, Exception exception, string channelId, long changeSequence, string eventName);

    [LoggerMessage(EventId = 1030, Level = LogLevel.Information, Message = "Purged {Count} expired or idle sessions")]
    public static partial void SessionsPurged(ILogger logger, int count);

    [LoggerMessage(EventId = 1031, Level = LogLevel.Warning, Message = "Purging expired sessions failed; trying again at the next interval")]
    public static partial void SessionPurgeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1040, Level = LogLevel.Warning, Message = "The attachments of message {MessageId}, which could not be stored, could not be released; the file lifecycle removes them")]
    public static partial void AttachmentDetachFailed(ILogger logger, Exception exception, string messageId);

    [LoggerMessage(EventId = 1041, Level = LogLevel.Information, Message = "Removed {Count} files of unattached uploads and deleted messages")]
    public static partial void AttachmentsPurged(ILogger logger, int count);

    [LoggerMessage(EventId = 1042, Level = LogLevel.Error, Message = "The file lifecycle pass failed; it runs again at the next interval")]
    public static partial void AttachmentPurgeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1043, Level = LogLevel.Warning, Message = "Could not read the size of image attachment {AttachmentId}; it is posted without one")]
    public static partial void ImageIdentifyFailed(ILogger logger, Exception exception, string attachmentId);

    [LoggerMessage(EventId = 1044, Level = LogLevel.Warning, Message = "Making the thumbnail of attachment {AttachmentId} failed; another worker tries again after its claim expires")]
    public static partial void ThumbnailFailed(ILogger logger, Exception exception, string attachmentId);

    [LoggerMessage(EventId = 1045, Level = LogLevel.Information, Message = "Attachment {AttachmentId} ({ContentType}) could not be decoded as an image: it gets no thumbnail")]
    public static partial void ThumbnailUndecodable(ILogger logger, string attachmentId, string contentType);

    [LoggerMessage(EventId = 1046, Level = LogLevel.Error, Message = "The thumbnail pass failed; it runs again at the next wake-up or sweep")]
    public static partial void ThumbnailPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1050, Level = LogLevel.Warning, Message = "Refused {Refused} password checks with 503 since the last warning: {Concurrency} were running and {QueueLimit} waiting (Tanager:PasswordHashConcurrency, PasswordHashQueueLimit)")]
    public static partial void PasswordHashingBusy(ILogger logger, long refused, int concurrency, int queueLimit);

    [LoggerMessage(EventId = 1051, Level = LogLevel.Information, Message = "Security event {Kind} for user {UserId} by {ActorId}")]
    public static partial void SecurityEvent(ILogger logger, string kind, string? userId, string? actorId);

    [LoggerMessage(EventId = 1052, Level = LogLevel.Error, Message = "Security event {Kind} for user {UserId} could not be written to the audit log")]
    public static partial void AuditWriteFailed(ILogger logger, Exception exception, string kind, string? userId);
}
