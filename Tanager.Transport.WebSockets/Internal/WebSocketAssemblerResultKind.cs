namespace Tanager.Transport.WebSockets.Internal;

/// <summary>What a frame fed to <see cref="WebSocketMessageAssembler"/> produced.</summary>
internal enum WebSocketAssemblerResultKind
{
    /// <summary>A non-final data fragment was buffered (§5.4); nothing to deliver yet.</summary>
    Incomplete,

    /// <summary>A complete Text or Binary message.</summary>
    Message,

    /// <summary>A Ping; the caller should answer with a Pong echoing the payload (§5.5.2).</summary>
    Ping,

    /// <summary>A Pong (§5.5.3).</summary>
    Pong,

    /// <summary>A valid Close frame (§5.5.1).</summary>
    Close,

    /// <summary>The peer violated the protocol; fail the connection with the given close code (§7.1.7).</summary>
    Error,
}
