namespace Tanager.Transport.WebSockets.Internal;

/// <summary>
/// A decoded RFC 6455 §5.2 base-framing header.
/// </summary>
/// <param name="Fin">The FIN bit: this frame is the last fragment of its message.</param>
/// <param name="Rsv">RSV1–RSV3 shifted down to the low three bits (RSV1 = 0b100, RSV3 = 0b001).</param>
/// <param name="Opcode">The raw 4-bit opcode; may be a reserved value the enum does not name.</param>
/// <param name="Masked">The MASK bit.</param>
/// <param name="MaskKey">
/// The masking key as read little-endian from the four wire bytes, so wire byte <c>i</c> of the key is
/// <c>(MaskKey &gt;&gt; (8 * i)) &amp; 0xFF</c>. <see cref="WebSocketFrameWriter"/> and
/// <see cref="WebSocketMask"/> use the same convention. Zero when <paramref name="Masked"/> is false.
/// </param>
/// <param name="PayloadLength">The decoded payload length in bytes.</param>
/// <param name="HeaderLength">Bytes occupied by the header on the wire (2–14).</param>
internal readonly record struct WebSocketFrameHeader(
    bool Fin,
    byte Rsv,
    WebSocketOpcode Opcode,
    bool Masked,
    int MaskKey,
    long PayloadLength,
    int HeaderLength)
{
    /// <summary>Close, Ping and Pong (and reserved 0xB–0xF) have the high opcode bit set (§5.5).</summary>
    public bool IsControl => IsControlOpcode(Opcode);

    /// <summary>True for the six opcodes RFC 6455 defines; everything else is reserved (§5.2).</summary>
    public bool IsKnownOpcode => IsDefinedOpcode(Opcode);

    /// <inheritdoc cref="IsControl"/>
    public static bool IsControlOpcode(WebSocketOpcode opcode) => ((byte)opcode & 0x8) != 0;

    /// <inheritdoc cref="IsKnownOpcode"/>
    public static bool IsDefinedOpcode(WebSocketOpcode opcode) => opcode is WebSocketOpcode.Continuation
        or WebSocketOpcode.Text or WebSocketOpcode.Binary or WebSocketOpcode.Close or WebSocketOpcode.Ping
        or WebSocketOpcode.Pong;
}
