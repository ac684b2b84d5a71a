namespace Tanager;

/// <summary>Turns a serialized event into the bytes one transport writes (a WebSocket text frame, an SSE record).</summary>
public interface IFrameEncoder
{
    ReadOnlyMemory<byte> Encode(ReadOnlyMemory<byte> payload);
}
