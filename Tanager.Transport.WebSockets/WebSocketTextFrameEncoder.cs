using Tanager.Transport.WebSockets.Internal;

namespace Tanager.Transport.WebSockets;

/// <summary>Frames a gateway payload as one unmasked, final WebSocket text frame: header and payload in one array.</summary>
public sealed class WebSocketTextFrameEncoder : IFrameEncoder
{
    public static WebSocketTextFrameEncoder Instance { get; } = new();

    private WebSocketTextFrameEncoder()
    {
    }

    public ReadOnlyMemory<byte> Encode(ReadOnlyMemory<byte> payload) => WebSocketFrameWriter.BuildFrame(WebSocketOpcode.Text, payload.Span);
}
