namespace Tanager.Transport.WebSockets.Internal;

/// <summary>Outcome of <see cref="WebSocketFrameParser"/>.TryParse.</summary>
internal enum FrameParseStatus
{
    /// <summary>A complete frame was parsed and the buffer advanced past it.</summary>
    Ok,

    /// <summary>The buffer holds only a prefix of a frame; it was left untouched.</summary>
    NeedMoreData,

    /// <summary>The frame violates RFC 6455; the connection must be failed with close code 1002 (§7.4.1).</summary>
    ProtocolError,

    /// <summary>The declared payload exceeds the configured limit; close with 1009 (§7.4.1).</summary>
    TooBig,
}
