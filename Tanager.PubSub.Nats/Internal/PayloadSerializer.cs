using System.Buffers;
using NATS.Client.Core;

namespace Tanager.PubSub.Nats.Internal;

/// <summary>
/// Payloads as opaque bytes. Publishing writes them straight into the connection's buffer; receiving makes the one copy
/// that cannot be avoided (the socket buffer is reused once the handler of a message returns), and that copy is what every
/// local listener shares.
/// </summary>
internal sealed class PayloadSerializer : INatsSerialize<ReadOnlyMemory<byte>>, INatsDeserialize<ReadOnlyMemory<byte>>
{
    public static readonly PayloadSerializer Instance = new();

    public void Serialize(IBufferWriter<byte> bufferWriter, ReadOnlyMemory<byte> value) => bufferWriter.Write(value.Span);

    public ReadOnlyMemory<byte> Deserialize(in ReadOnlySequence<byte> buffer) => buffer.IsEmpty ? ReadOnlyMemory<byte>.Empty : buffer.ToArray();
}
