using System.Buffers;
using NATS.Client.Core;

namespace Tanager.PubSub.Nats.Internal;

/// <summary>An event as NATS carries it: the header's compact binary form, then the serialized bytes.</summary>
internal readonly record struct HeaderedPayload(EventHeader? Header, ReadOnlyMemory<byte> Payload);

/// <summary>
/// Writes the header and the payload straight into the connection's buffer. Receiving reads the header and makes the one
/// copy of the payload that cannot be avoided (the socket buffer is reused once the handler of a message returns); that
/// copy is what every local listener shares. Bytes that are not a header (another program on the subject) read as a null
/// header, which the subscription drops.
/// </summary>
internal sealed class PayloadSerializer : INatsSerialize<HeaderedPayload>, INatsDeserialize<HeaderedPayload>
{
    public static readonly PayloadSerializer Instance = new();

    public void Serialize(IBufferWriter<byte> bufferWriter, HeaderedPayload value)
    {
        value.Header!.Write(bufferWriter);
        bufferWriter.Write(value.Payload.Span);
    }

    public HeaderedPayload Deserialize(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return default;
        }
        ReadOnlySpan<byte> bytes = buffer.IsSingleSegment ? buffer.FirstSpan : buffer.ToArray();
        return EventHeader.TryRead(bytes, out var header, out var consumed)
            ? new HeaderedPayload(header, bytes[consumed..].ToArray())
            : default;
    }
}
