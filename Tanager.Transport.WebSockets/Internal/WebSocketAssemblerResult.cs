namespace Tanager.Transport.WebSockets.Internal;

/// <summary>
/// Result of <see cref="WebSocketMessageAssembler.Process"/>. <see cref="Payload"/> points into
/// buffers owned by the assembler and is valid only until the assembler's next call.
/// </summary>
internal readonly struct WebSocketAssemblerResult
{
    private WebSocketAssemblerResult(
        WebSocketAssemblerResultKind kind, bool isText, ReadOnlyMemory<byte> payload, int closeCode, string? reason)
    {
        Kind = kind;
        IsText = isText;
        Payload = payload;
        CloseCode = closeCode;
        Reason = reason;
    }

    public WebSocketAssemblerResultKind Kind { get; }

    /// <summary>For <see cref="WebSocketAssemblerResultKind.Message"/>: Text (validated UTF-8) rather than Binary.</summary>
    public bool IsText { get; }

    /// <summary>Unmasked bytes of a Message, Ping or Pong; empty otherwise.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>
    /// For Close, the peer's status code (1005 when the frame had no body, §7.1.5); for Error, the
    /// code to close with (1002, 1007 or 1009, §7.4.1).
    /// </summary>
    public int CloseCode { get; }

    /// <summary>For Close, the peer's decoded reason (possibly empty); for Error, a description suitable as our close reason.</summary>
    public string? Reason { get; }

    public static WebSocketAssemblerResult Incomplete { get; } = new(WebSocketAssemblerResultKind.Incomplete, false, default, 0, null);

    public static WebSocketAssemblerResult Message(bool isText, ReadOnlyMemory<byte> payload) =>
        new(WebSocketAssemblerResultKind.Message, isText, payload, 0, null);

    public static WebSocketAssemblerResult Ping(ReadOnlyMemory<byte> payload) =>
        new(WebSocketAssemblerResultKind.Ping, false, payload, 0, null);

    public static WebSocketAssemblerResult Pong(ReadOnlyMemory<byte> payload) =>
        new(WebSocketAssemblerResultKind.Pong, false, payload, 0, null);

    public static WebSocketAssemblerResult Close(int code, string reason) =>
        new(WebSocketAssemblerResultKind.Close, false, default, code, reason);

    public static WebSocketAssemblerResult Error(int closeCode, string reason) =>
        new(WebSocketAssemblerResultKind.Error, false, default, closeCode, reason);
}
