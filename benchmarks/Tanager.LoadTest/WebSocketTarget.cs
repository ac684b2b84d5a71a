using System.Collections.Concurrent;
using System.Text;

namespace Tanager.LoadTest;

/// <summary>
/// The plain ASP.NET Core WebSocket baseline (<c>/ws</c> of Tanager.Baselines). The server echoes every message to
/// every socket, the publisher's included, so the publisher's own echo is its acknowledgement: that keeps the number
/// of messages in flight bounded the same way as for the other targets.
/// </summary>
internal sealed class WebSocketTarget(Uri baseUrl, HttpMessageInvoker invoker) : IFanoutTarget
{
    private readonly Uri _endpoint = WebSocketUris.For(baseUrl, "ws");
    private readonly HttpMessageInvoker _invoker = invoker;
    private readonly RawSocket _publisher = new();
    // A socket allows one outstanding send; the publisher's concurrent publishes queue here.
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly SemaphoreSlim _echoes = new(0);
    private readonly ConcurrentBag<RawSocket> _subscribers = [];
    private int _lostSubscribers;

    public string Name => "websocket";

    public string PublishNote => "websocket: acknowledged when the server echoes the message back to the publisher (fan-out to all sockets written).";

    public int LostSubscribers => Volatile.Read(ref _lostSubscribers);

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await _publisher.ConnectAsync(_endpoint, _invoker, cancellationToken);
        _publisher.StartReceiving(_ => _echoes.Release(), () => { });
    }

    public async Task ConnectSubscriberAsync(SubscriberTracker tracker, CancellationToken cancellationToken)
    {
        var socket = new RawSocket();
        _subscribers.Add(socket);
        await socket.ConnectAsync(_endpoint, _invoker, cancellationToken);
        socket.StartReceiving(frame => tracker.OnFrame(frame), () => Interlocked.Increment(ref _lostSubscribers));
    }

    public async Task PublishAsync(string content, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _publisher.SendAsync(bytes, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
        await _echoes.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Connections.DisposeAllAsync(_subscribers);
        await _publisher.DisposeAsync();
        _sendLock.Dispose();
        _echoes.Dispose();
    }
}
