using System.Buffers;
using System.Buffers.Binary;
using System.Text.Unicode;

namespace Tanager.Transport.WebSockets.Internal;

/// <summary>
/// Encodes RFC 6455 §5.2 frames. The writer is deliberately a pure encoder: it does not enforce the
/// §5.5 control-frame limits, so callers (and tests that need malformed frames) are responsible for
/// the semantics of what they send.
/// </summary>
internal static class WebSocketFrameWriter
{
    /// <summary>A close payload is a control payload (≤125 bytes, §5.5) whose first 2 bytes are the code (§5.5.1).</summary>
    public const int MaxCloseReasonBytes = WebSocketFrameParser.MaxControlPayloadLength - 2;

    /// <summary>Bytes needed for a header announcing <paramref name="payloadLength"/>, using the minimal length encoding.</summary>
    public static int GetHeaderLength(long payloadLength, bool masked)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);

        var length = payloadLength switch
        {
            <= 125 => 2,
            <= ushort.MaxValue => 4,
            _ => 10,
        };
        return masked ? length + 4 : length;
    }

    /// <summary>
    /// Writes a frame header with RSV bits clear. <paramref name="maskKey"/> follows the
    /// <see cref="WebSocketFrameHeader.MaskKey"/> byte-order convention; null means unmasked (§5.1:
    /// servers must not mask).
    /// </summary>
    /// <returns>The number of bytes written, equal to <see cref="GetHeaderLength"/>.</returns>
    public static int WriteHeader(Span<byte> destination, WebSocketOpcode opcode, bool fin, long payloadLength, int? maskKey)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((byte)opcode, (byte)0x0F, nameof(opcode));
        var headerLength = GetHeaderLength(payloadLength, maskKey.HasValue);
        if (destination.Length < headerLength)
        {
            throw new ArgumentException("Destination is too small for the frame header.", nameof(destination));
        }

        destination[0] = (byte)((fin ? 0x80 : 0x00) | (byte)opcode);
        var maskBit = maskKey.HasValue ? 0x80 : 0x00;
        int offset;
        if (payloadLength <= 125)
        {
            destination[1] = (byte)(maskBit | (int)payloadLength);
            offset = 2;
        }
        else if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = (byte)(maskBit | 126);
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            offset = 4;
        }
        else
        {
            destination[1] = (byte)(maskBit | 127);
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
            offset = 10;
        }

        if (maskKey is { } key)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination[offset..], key);
        }

        return headerLength;
    }

    /// <summary>
    /// Builds a complete final, unmasked (server-to-client) frame in a single array, so one encoded
    /// frame can be fanned out to many connections without re-framing per recipient.
    /// </summary>
    public static byte[] BuildFrame(WebSocketOpcode opcode, ReadOnlySpan<byte> payload)
    {
        var headerLength = GetHeaderLength(payload.Length, masked: false);
        var frame = GC.AllocateUninitializedArray<byte>(headerLength + payload.Length);
        WriteHeader(frame, opcode, fin: true, payload.Length, maskKey: null);
        payload.CopyTo(frame.AsSpan(headerLength));
        return frame;
    }

    /// <summary>
    /// Writes a whole frame to <paramref name="output"/>. When <paramref name="maskKey"/> is given
    /// the payload is masked in the output buffer; <paramref name="payload"/> itself is not modified.
    /// </summary>
    /// <remarks>The payload is written in whatever chunk sizes the writer offers, so any <see cref="IBufferWriter{T}"/> works.</remarks>
    public static void Write(
        IBufferWriter<byte> output,
        WebSocketOpcode opcode,
        ReadOnlySpan<byte> payload,
        bool fin = true,
        int? maskKey = null)
    {
        ArgumentNullException.ThrowIfNull(output);

        var headerLength = GetHeaderLength(payload.Length, maskKey.HasValue);
        var written = WriteHeader(output.GetSpan(headerLength), opcode, fin, payload.Length, maskKey);
        output.Advance(written);

        var position = 0;
        while (position < payload.Length)
        {
            var span = output.GetSpan(1);
            var chunk = Math.Min(span.Length, payload.Length - position);
            payload.Slice(position, chunk).CopyTo(span);
            if (maskKey is { } key)
            {
                WebSocketMask.Apply(span[..chunk], key, position);
            }

            output.Advance(chunk);
            position += chunk;
        }
    }

    /// <summary>
    /// Builds a Close frame body (§5.5.1): the 2-byte big-endian status code followed by the UTF-8
    /// reason, truncated on a code-point boundary so the body stays within the 125-byte control
    /// frame limit and remains valid UTF-8 (§7.4). Lone surrogates in <paramref name="reason"/> are
    /// replaced with U+FFFD for the same reason.
    /// </summary>
    public static byte[] BuildClosePayload(int code, string reason)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(code);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(code, ushort.MaxValue);
        ArgumentNullException.ThrowIfNull(reason);

        Span<byte> buffer = stackalloc byte[WebSocketFrameParser.MaxControlPayloadLength];
        BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)code);

        // Utf8.FromUtf16 only ever writes whole scalars, so stopping on DestinationTooSmall is
        // exactly the code-point-boundary truncation we need.
        Utf8.FromUtf16(reason, buffer[2..], out _, out var reasonBytes, replaceInvalidSequences: true);
        return buffer[..(2 + reasonBytes)].ToArray();
    }
}
