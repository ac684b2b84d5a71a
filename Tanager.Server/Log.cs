namespace Tanager.Server;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Tanager listening on {Listen} with {Storage} storage, heartbeat {HeartbeatSeconds}s")]
    public static partial void Starting(ILogger logger, string listen, string storage, double heartbeatSeconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Storage is in memory: everything is lost when the process stops.")]
    public static partial void InMemoryWarning(ILogger logger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Live events travel through {PubSub} pub/sub")]
    public static partial void PubSub(ILogger logger, string pubSub);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Files are kept in {FileStore}")]
    public static partial void FileStore(ILogger logger, string fileStore);
}
