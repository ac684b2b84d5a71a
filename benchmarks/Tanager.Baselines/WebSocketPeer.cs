using System.Net.WebSockets;

namespace Tanager.Baselines;

/// <summary>One accepted socket. A <see cref="WebSocket"/> allows one outstanding send, so sends from different publishers are serialized here.</summary>
internal sealed class WebSocketPeer(WebSocket socket) : IDisposable
{
    private readonly WebSocket _socket = socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    /// <summary>Sends one text message. Never throws for a broken socket: its own receive loop notices and removes it.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
        }
        catch (WebSocketException)
        {
            // The peer went away mid-send; nothing to deliver to.
        }
        catch (ObjectDisposedException)
        {
            // Disposed by its own request ending between the state check and the send.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public void Dispose() => _sendLock.Dispose();
}
