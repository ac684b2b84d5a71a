using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Tanager.LoadTest;

/// <summary>
/// The plain ASP.NET Core WebSocket baseline (<c>/ws</c> of Tanager.Baselines). The server sends every message to every
/// socket of the sender's group, the sender included, so the publisher's own echo is its acknowledgement: that keeps
/// the number of messages in flight bounded the same way as for the other targets. A plain socket server has no way to
/// address a group but the socket a message comes from, so with several channels each has its own publisher socket,
/// joined to that channel's group (<c>/ws?group=…</c>); with one channel nothing names a group, as before groups existed.
/// </summary>
internal sealed class WebSocketTarget(Uri baseUrl) : IFanoutTarget
{
    private readonly Uri _baseUrl = baseUrl;
    private readonly ConcurrentBag<RawSocket> _subscribers = [];
    private Uri[] _endpoints = [];
    private ChannelPublisher[] _publishers = [];

    public string Name => "websocket";

    public string PublishNote => "websocket: acknowledged when the server echoes the message back to the publisher (fan-out to all sockets of the group written); one publisher socket per group.";

    public async Task PrepareAsync(int channels, CancellationToken cancellationToken)
    {
        _endpoints = channels == 1
            ? [WebSocketUris.For(_baseUrl, "ws")]
            : [.. Enumerable.Range(0, channels).Select(channel => WebSocketUris.For(_baseUrl, string.Create(CultureInfo.InvariantCulture, $"ws?group=g{channel}")))];
        _publishers = [.. _endpoints.Select(_ => new ChannelPublisher())];
        for (var channel = 0; channel < channels; channel++)
        {
            await _publishers[channel].ConnectAsync(_endpoints[channel], cancellationToken);
        }
    }

    public async Task ConnectSubscriberAsync(SubscriberTracker tracker, CancellationToken cancellationToken)
    {
        var socket = new RawSocket();
        _subscribers.Add(socket);
        await socket.ConnectAsync(_endpoints[tracker.Channel], cancellationToken);
        socket.StartReceiving(frame => tracker.OnFrame(frame), tracker.OnLost);
    }

    public Task PublishAsync(string content, int channel, CancellationToken cancellationToken) =>
        _publishers[channel].PublishAsync(content, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Connections.DisposeAllAsync(_subscribers);
        await Connections.DisposeAllAsync(_publishers);
    }

    /// <summary>The publisher socket of one group; its echoes acknowledge its publishes in order.</summary>
    private sealed class ChannelPublisher : IAsyncDisposable
    {
        // The socket serializes concurrent sends itself; publishes to this group queue there.
        private readonly RawSocket _socket = new();
        private readonly SemaphoreSlim _echoes = new(0);

        public async Task ConnectAsync(Uri endpoint, CancellationToken cancellationToken)
        {
            await _socket.ConnectAsync(endpoint, cancellationToken);
            _socket.StartReceiving(_ => _echoes.Release(), () => { });
        }

        public async Task PublishAsync(string content, CancellationToken cancellationToken)
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(content), cancellationToken);
            await _echoes.WaitAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            await _socket.DisposeAsync();
            _echoes.Dispose();
        }
    }
}
