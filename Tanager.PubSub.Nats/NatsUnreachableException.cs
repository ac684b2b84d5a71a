namespace Tanager.PubSub.Nats;

/// <summary>
/// NATS could not be reached in time: at start-up (the host does not start), or when a subscription could not be
/// confirmed by the server. The message names the server without its credentials.
/// </summary>
public sealed class NatsUnreachableException : Exception
{
    public NatsUnreachableException()
    {
    }

    public NatsUnreachableException(string message)
        : base(message)
    {
    }

    public NatsUnreachableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
