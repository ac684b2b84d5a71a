namespace Tanager.Transport.WebSockets.Internal;

/// <summary>
/// Frame opcodes defined by RFC 6455 §5.2. Values 3–7 and 0xB–0xF are reserved; a
/// <see cref="WebSocketOpcode"/> may still carry such a raw value when it was read off the wire,
/// which is why the parser checks <see cref="WebSocketFrameHeader.IsKnownOpcode"/>.
/// </summary>
internal enum WebSocketOpcode : byte
{
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
}
