using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Tanager.Transport.WebSockets.Internal;

/// <summary>
/// RFC 6455 §5.3 masking: payload byte <c>i</c> is XORed with key byte <c>i mod 4</c>. Because XOR is
/// its own inverse the same routine masks and unmasks.
/// </summary>
/// <remarks>
/// The key uses the convention of <see cref="WebSocketFrameHeader.MaskKey"/>: key byte <c>i</c> (the
/// <c>i</c>-th byte on the wire) is <c>(maskKey &gt;&gt; (8 * i)) &amp; 0xFF</c>.
/// </remarks>
internal static class WebSocketMask
{
    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="destination"/> and unmasks it in place.
    /// </summary>
    /// <remarks>
    /// Works segment by segment so each chunk is XORed while it is still hot in cache from the copy;
    /// the running position keeps the key rotation continuous across segment boundaries.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <paramref name="source"/>.</exception>
    public static void Unmask(ReadOnlySequence<byte> source, Span<byte> destination, int maskKey)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("Destination is shorter than the source sequence.", nameof(destination));
        }

        var position = 0;
        foreach (var segment in source)
        {
            var span = segment.Span;
            var target = destination.Slice(position, span.Length);
            span.CopyTo(target);
            Apply(target, maskKey, position);
            position += span.Length;
        }
    }

    /// <summary>
    /// XORs <paramref name="data"/> in place with the key, where <paramref name="offset"/> is the
    /// position of <c>data[0]</c> within the whole payload (only <c>offset mod 4</c> matters).
    /// </summary>
    public static void Apply(Span<byte> data, int maskKey, int offset = 0)
    {
        if (data.IsEmpty)
        {
            return;
        }

        // Rotate so that key byte (offset mod 4) lines up with data[0]; after that every aligned
        // 4-, 8- or Vector<byte>-sized block sees the key in the same order.
        var rotated = BitOperations.RotateRight((uint)maskKey, (offset & 3) * 8);
        Span<byte> pattern = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(pattern, rotated);

        // Reading the pattern back in native order makes the wide XORs below endian-neutral.
        var native = MemoryMarshal.Read<uint>(pattern);
        var index = 0;

        if (Vector.IsHardwareAccelerated && data.Length >= Vector<byte>.Count)
        {
            var keyVector = Vector.AsVectorByte(new Vector<uint>(native));
            var vectors = MemoryMarshal.Cast<byte, Vector<byte>>(data);
            for (var i = 0; i < vectors.Length; i++)
            {
                vectors[i] ^= keyVector;
            }

            index = vectors.Length * Vector<byte>.Count;
        }

        var key64 = native | ((ulong)native << 32);
        var words = MemoryMarshal.Cast<byte, ulong>(data[index..]);
        for (var i = 0; i < words.Length; i++)
        {
            words[i] ^= key64;
        }

        index += words.Length * sizeof(ulong);

        // index is a multiple of 4 here, so the tail restarts at pattern[0].
        for (var i = index; i < data.Length; i++)
        {
            data[i] ^= pattern[i & 3];
        }
    }
}
