using System.Buffers;
using System.Buffers.Binary;

namespace Tanager.Transport.WebSockets.Internal;

/// <summary>
/// Decodes one RFC 6455 §5.2 frame at a time from a possibly multi-segment buffer, enforcing the
/// base-framing rules that do not need per-connection state. Fragmentation (§5.4) and close-frame
/// content are checked later by <see cref="WebSocketMessageAssembler"/>.
/// </summary>
internal static class WebSocketFrameParser
{
    /// <summary>2 fixed bytes + 8 bytes of 64-bit length + 4 bytes of masking key (§5.2).</summary>
    public const int MaxHeaderLength = 14;

    /// <summary>Control frames carry at most 125 payload bytes (§5.5).</summary>
    public const int MaxControlPayloadLength = 125;

    /// <inheritdoc cref="TryParse(ref ReadOnlySequence{byte}, long, bool, out WebSocketFrameHeader, out ReadOnlySequence{byte}, out string?)"/>
    public static FrameParseStatus TryParse(
        ref ReadOnlySequence<byte> buffer,
        long maxFramePayload,
        bool requireMask,
        out WebSocketFrameHeader header,
        out ReadOnlySequence<byte> payload)
        => TryParse(ref buffer, maxFramePayload, requireMask, out header, out payload, out _);

    /// <summary>Attempts to parse the frame at the start of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">
    /// Received bytes. On <see cref="FrameParseStatus.Ok"/> it is advanced past the whole frame;
    /// for every other status it is left untouched.
    /// </param>
    /// <param name="maxFramePayload">Largest payload accepted; a larger declared length yields <see cref="FrameParseStatus.TooBig"/>.</param>
    /// <param name="requireMask">
    /// True on the server side, where every client frame must be masked (§5.1). False accepts
    /// masked and unmasked frames alike.
    /// </param>
    /// <param name="header">The decoded header; only meaningful when the result is <see cref="FrameParseStatus.Ok"/>.</param>
    /// <param name="payload">
    /// The payload, still masked as received and sliced from <paramref name="buffer"/> (so valid only
    /// as long as the underlying buffer is); only meaningful on <see cref="FrameParseStatus.Ok"/>.
    /// </param>
    /// <param name="error">
    /// A human-readable reason for <see cref="FrameParseStatus.ProtocolError"/> and
    /// <see cref="FrameParseStatus.TooBig"/>, short enough to use as a close reason; null otherwise.
    /// </param>
    public static FrameParseStatus TryParse(
        ref ReadOnlySequence<byte> buffer,
        long maxFramePayload,
        bool requireMask,
        out WebSocketFrameHeader header,
        out ReadOnlySequence<byte> payload,
        out string? error)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxFramePayload);

        header = default;
        payload = default;
        error = null;

        if (buffer.Length < 2)
        {
            return FrameParseStatus.NeedMoreData;
        }

        // The header may straddle segments; copying at most 14 bytes is cheaper than a
        // SequenceReader and lets every field be read from one span.
        Span<byte> scratch = stackalloc byte[MaxHeaderLength];
        scoped ReadOnlySpan<byte> head = buffer.FirstSpan;
        if (head.Length < MaxHeaderLength && head.Length < buffer.Length)
        {
            var available = (int)Math.Min(buffer.Length, MaxHeaderLength);
            buffer.Slice(0, available).CopyTo(scratch);
            head = scratch[..available];
        }

        var fin = (head[0] & 0x80) != 0;
        var rsv = (byte)((head[0] >> 4) & 0x7);
        var opcode = (WebSocketOpcode)(head[0] & 0x0F);
        var masked = (head[1] & 0x80) != 0;
        var shortLength = head[1] & 0x7F;

        // Everything checkable from the first two bytes is rejected before waiting for the rest,
        // so a peer cannot make us buffer a large frame that is doomed anyway.
        error = ValidateFixedBits(fin, rsv, opcode, masked, shortLength, requireMask);
        if (error is not null)
        {
            return FrameParseStatus.ProtocolError;
        }

        var lengthBytes = shortLength switch
        {
            126 => 2,
            127 => 8,
            _ => 0,
        };
        var headerLength = 2 + lengthBytes + (masked ? 4 : 0);
        if (head.Length < headerLength)
        {
            return FrameParseStatus.NeedMoreData;
        }

        // Non-minimal length encodings (e.g. 5 sent in the 16-bit form) are accepted: §5.2 says the
        // minimal form MUST be used by senders but does not require receivers to fail on it.
        long payloadLength = shortLength;
        if (lengthBytes == 2)
        {
            payloadLength = BinaryPrimitives.ReadUInt16BigEndian(head[2..]);
        }
        else if (lengthBytes == 8)
        {
            var length64 = BinaryPrimitives.ReadUInt64BigEndian(head[2..]);
            if ((length64 & 0x8000_0000_0000_0000UL) != 0)
            {
                error = "64-bit payload length has its most significant bit set (RFC 6455 §5.2)";
                return FrameParseStatus.ProtocolError;
            }

            payloadLength = (long)length64;
        }

        if (payloadLength > maxFramePayload)
        {
            error = "Frame payload exceeds the maximum allowed size";
            return FrameParseStatus.TooBig;
        }

        var maskKey = masked ? BinaryPrimitives.ReadInt32LittleEndian(head.Slice(headerLength - 4, 4)) : 0;

        // Subtraction rather than headerLength + payloadLength avoids overflow near long.MaxValue.
        if (buffer.Length - headerLength < payloadLength)
        {
            return FrameParseStatus.NeedMoreData;
        }

        header = new WebSocketFrameHeader(fin, rsv, opcode, masked, maskKey, payloadLength, headerLength);
        payload = buffer.Slice(headerLength, payloadLength);
        buffer = buffer.Slice(payload.End);
        return FrameParseStatus.Ok;
    }

    private static string? ValidateFixedBits(
        bool fin, byte rsv, WebSocketOpcode opcode, bool masked, int shortLength, bool requireMask)
    {
        if (rsv != 0)
        {
            return "Reserved bits set without a negotiated extension (RFC 6455 §5.2)";
        }

        if (!WebSocketFrameHeader.IsDefinedOpcode(opcode))
        {
            return "Reserved opcode (RFC 6455 §5.2)";
        }

        if (WebSocketFrameHeader.IsControlOpcode(opcode))
        {
            if (!fin)
            {
                return "Fragmented control frame (RFC 6455 §5.5)";
            }

            // 126 and 127 announce extended lengths, which are always > 125.
            if (shortLength > MaxControlPayloadLength)
            {
                return "Control frame payload longer than 125 bytes (RFC 6455 §5.5)";
            }
        }

        if (requireMask && !masked)
        {
            return "Client frames must be masked (RFC 6455 §5.1)";
        }

        return null;
    }
}
