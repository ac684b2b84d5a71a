namespace Tanager.Transport.WebSockets;

/// <summary>The outcome of checking an upgrade request: the Sec-WebSocket-Accept value, or why the request is refused.</summary>
public readonly record struct WebSocketHandshakeResult(string? Accept, string? Error)
{
    public bool IsValid => Accept is not null;
}
