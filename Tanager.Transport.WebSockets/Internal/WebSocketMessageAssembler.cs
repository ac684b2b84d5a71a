using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Tanager.Transport.WebSockets.Internal;

/// <summary>
/// Per-connection state machine that turns parsed frames into messages and control events,
/// enforcing the fragmentation rules of RFC 6455 §5.4, a limit on the reassembled message size, UTF-8
/// validity of Text messages (§8.1) and the Close-frame rules of §5.5.1 and §7.4.
/// </summary>
/// <remarks>
/// <para>
/// Not thread-safe: a connection has one reader. Every <see cref="WebSocketAssemblerResult.Payload"/>
/// refers to memory owned by this instance and is valid only until the next call to
/// <see cref="Process"/> or <see cref="ProcessMasked"/>; copy it to keep it.
/// </para>
/// <para>
/// After an <see cref="WebSocketAssemblerResultKind.Error"/> result the caller must fail the connection
/// (§7.1.7). The partially assembled message is discarded so the instance stays consistent, but no
/// further frames are expected.
/// </para>
/// </remarks>
internal sealed class WebSocketMessageAssembler
{
    private const int ProtocolErrorCode = 1002;
    private const int NoStatusReceivedCode = 1005;
    private const int InvalidPayloadDataCode = 1007;
    private const int MessageTooBigCode = 1009;

    private const int InitialBufferSize = 4 * 1024;

    private readonly int _maxMessageSize;
    // Both buffers exist only while needed: a chat connection is mostly idle, and a buffer kept per idle connection
    // (4 KiB after the first message) was the largest single item of its memory.
    private byte[]? _controlBuffer;
    private byte[] _messageBuffer = [];
    /// <summary>How much of <see cref="_messageBuffer"/> has held data since it was rented: cleared before it goes back.</summary>
    private int _messageBufferUsed;
    private int _messageLength;
    private bool _messageInProgress;
    private bool _messageIsText;

    /// <param name="maxMessageSize">Largest reassembled message, summed over all fragments; larger yields close code 1009.</param>
    public WebSocketMessageAssembler(int maxMessageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxMessageSize);
        _maxMessageSize = maxMessageSize;
    }

    /// <summary>True between the first fragment of a message and its final (FIN) fragment.</summary>
    public bool IsMessageInProgress => _messageInProgress;

    /// <summary>Feeds one frame whose payload has already been unmasked. <see cref="WebSocketFrameHeader.Masked"/> is ignored.</summary>
    /// <exception cref="ArgumentException"><paramref name="payload"/> length differs from the header's.</exception>
    public WebSocketAssemblerResult Process(in WebSocketFrameHeader header, ReadOnlySpan<byte> payload)
    {
        if (payload.Length != header.PayloadLength)
        {
            throw new ArgumentException("Payload length does not match the frame header.", nameof(payload));
        }

        if (!TryBegin(header, out var target, out var error))
        {
            return error;
        }

        payload.CopyTo(target);
        return Complete(header, target);
    }

    /// <summary>
    /// Feeds one frame exactly as returned by <see cref="WebSocketFrameParser"/>: the payload is unmasked
    /// with <see cref="WebSocketFrameHeader.MaskKey"/> while being copied into the assembler's own buffer,
    /// avoiding a separate unmasking copy.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="payload"/> length differs from the header's.</exception>
    public WebSocketAssemblerResult ProcessMasked(in WebSocketFrameHeader header, ReadOnlySequence<byte> payload)
    {
        if (payload.Length != header.PayloadLength)
        {
            throw new ArgumentException("Payload length does not match the frame header.", nameof(payload));
        }

        if (!TryBegin(header, out var target, out var error))
        {
            return error;
        }

        if (header.Masked)
        {
            WebSocketMask.Unmask(payload, target, header.MaskKey);
        }
        else
        {
            payload.CopyTo(target);
        }

        return Complete(header, target);
    }

    /// <summary>Close codes a peer may send (§7.4.1, §7.4.2); 1004–1006, 1015 and the rest below 3000 are not.</summary>
    public static bool IsValidCloseCode(int code) =>
        code is (>= 1000 and <= 1003) or (>= 1007 and <= 1011) or (>= 3000 and <= 4999);

    private bool TryBegin(in WebSocketFrameHeader header, out Span<byte> target, out WebSocketAssemblerResult error)
    {
        target = default;

        // The parser already rejects these; repeating the checks keeps the assembler safe to feed
        // from any frame source.
        if (header.Rsv != 0)
        {
            error = Fail(ProtocolErrorCode, "Reserved bits set without a negotiated extension (RFC 6455 §5.2)");
            return false;
        }

        if (!header.IsKnownOpcode)
        {
            error = Fail(ProtocolErrorCode, "Reserved opcode (RFC 6455 §5.2)");
            return false;
        }

        if (header.IsControl)
        {
            if (!header.Fin || header.PayloadLength > WebSocketFrameParser.MaxControlPayloadLength)
            {
                error = Fail(ProtocolErrorCode, "Control frames must be unfragmented and at most 125 bytes (RFC 6455 §5.5)");
                return false;
            }

            _controlBuffer ??= new byte[WebSocketFrameParser.MaxControlPayloadLength];
            target = _controlBuffer.AsSpan(0, (int)header.PayloadLength);
            error = default;
            return true;
        }

        if (header.Opcode == WebSocketOpcode.Continuation)
        {
            if (!_messageInProgress)
            {
                error = Fail(ProtocolErrorCode, "Continuation frame without a message in progress (RFC 6455 §5.4)");
                return false;
            }
        }
        else
        {
            if (_messageInProgress)
            {
                error = Fail(ProtocolErrorCode, "New data frame while a fragmented message is in progress (RFC 6455 §5.4)");
                return false;
            }

            _messageInProgress = true;
            _messageIsText = header.Opcode == WebSocketOpcode.Text;
            _messageLength = 0;
        }

        if (header.PayloadLength > _maxMessageSize - _messageLength)
        {
            error = Fail(MessageTooBigCode, "Message exceeds the maximum allowed size");
            return false;
        }

        var length = (int)header.PayloadLength;
        EnsureCapacity(_messageLength + length);
        target = _messageBuffer.AsSpan(_messageLength, length);
        _messageBufferUsed = Math.Max(_messageBufferUsed, _messageLength + length);
        error = default;
        return true;
    }

    private WebSocketAssemblerResult Complete(in WebSocketFrameHeader header, Span<byte> payload)
    {
        switch (header.Opcode)
        {
            case WebSocketOpcode.Ping:
                return WebSocketAssemblerResult.Ping(_controlBuffer!.AsMemory(0, payload.Length));
            case WebSocketOpcode.Pong:
                return WebSocketAssemblerResult.Pong(_controlBuffer!.AsMemory(0, payload.Length));
            case WebSocketOpcode.Close:
                return ParseClose(payload);
        }

        _messageLength += payload.Length;
        if (!header.Fin)
        {
            return WebSocketAssemblerResult.Incomplete;
        }

        _messageInProgress = false;
        var message = _messageBuffer.AsMemory(0, _messageLength);

        // Validated only once complete: a multi-byte sequence may legitimately straddle fragments.
        if (_messageIsText && !Utf8.IsValid(message.Span))
        {
            return Fail(InvalidPayloadDataCode, "Text message is not valid UTF-8 (RFC 6455 §8.1)");
        }

        return WebSocketAssemblerResult.Message(_messageIsText, message);
    }

    private static WebSocketAssemblerResult ParseClose(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            // §7.1.5: no status code in the frame is reported as 1005, which must never be sent itself.
            return WebSocketAssemblerResult.Close(NoStatusReceivedCode, string.Empty);
        }

        if (body.Length == 1)
        {
            return WebSocketAssemblerResult.Error(ProtocolErrorCode, "Close frame body of one byte cannot hold a status code (RFC 6455 §5.5.1)");
        }

        int code = BinaryPrimitives.ReadUInt16BigEndian(body);
        if (!IsValidCloseCode(code))
        {
            return WebSocketAssemblerResult.Error(ProtocolErrorCode, "Invalid close status code (RFC 6455 §7.4)");
        }

        var reason = body[2..];
        if (!Utf8.IsValid(reason))
        {
            return WebSocketAssemblerResult.Error(InvalidPayloadDataCode, "Close reason is not valid UTF-8 (RFC 6455 §5.5.1)");
        }

        return WebSocketAssemblerResult.Close(code, Encoding.UTF8.GetString(reason));
    }

    private void EnsureCapacity(int required)
    {
        if (_messageBuffer.Length >= required)
        {
            return;
        }

        // Doubling keeps many-fragment messages linear overall; capping at the message limit avoids
        // allocating more than a conforming message can ever need.
        var grown = Math.Max((long)_messageBuffer.Length * 2, InitialBufferSize);
        var size = (int)Math.Clamp(grown, required, _maxMessageSize);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        _messageBuffer.AsSpan(0, _messageLength).CopyTo(buffer);
        ReturnMessageBuffer();
        _messageBuffer = buffer;
        _messageBufferUsed = _messageLength;
    }

    /// <summary>
    /// Gives the message buffer back to the pool unless a fragmented message is being assembled; call it when the
    /// connection goes back to waiting for data. Payloads returned earlier are invalid afterwards.
    /// </summary>
    public void ReleaseIdleBuffers()
    {
        if (!_messageInProgress)
        {
            ReturnMessageBuffer();
            _controlBuffer = null;
        }
    }

    private void ReturnMessageBuffer()
    {
        if (_messageBuffer.Length == 0)
        {
            return;
        }
        // Messages carry tokens (IDENTIFY): nothing a client sent outlives its use in a shared pool.
        _messageBuffer.AsSpan(0, _messageBufferUsed).Clear();
        ArrayPool<byte>.Shared.Return(_messageBuffer);
        _messageBuffer = [];
        _messageBufferUsed = 0;
    }

    private WebSocketAssemblerResult Fail(int closeCode, string reason)
    {
        _messageInProgress = false;
        _messageLength = 0;
        return WebSocketAssemblerResult.Error(closeCode, reason);
    }
}
