using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Tanager.Tests.Infrastructure;

/// <summary>
/// A TCP load balancer on loopback, as a self-hoster would put in front of several nodes: each new connection goes to the
/// backend with the fewest open connections that accepts it. Tests use it to cut connections at chosen moments and to stall a reader.
/// </summary>
public sealed class TcpBalancer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int[] _backends;
    private readonly int? _backendReceiveBuffer;
    private readonly ConcurrentDictionary<Link, byte> _links = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _next;

    /// <param name="backendReceiveBuffer">The balancer's receive buffer towards the backends: small makes a paused link stall the server quickly.</param>
    public TcpBalancer(IEnumerable<int> backendPorts, int? backendReceiveBuffer = null)
    {
        _backends = [.. backendPorts];
        _backendReceiveBuffer = backendReceiveBuffer;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync(_stop.Token);
    }

    public Uri Url { get; }

    /// <summary>Open links, oldest first.</summary>
    public IReadOnlyList<Link> Links => [.. _links.Keys.OrderBy(l => l.Opened)];

    /// <summary>Cuts every open link (both sides see the connection reset).</summary>
    public void CutAll()
    {
        foreach (var link in _links.Keys)
        {
            link.Cut();
        }
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(cancellationToken);
                _ = ServeAsync(client, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken cancellationToken)
    {
        client.NoDelay = true;
        var backend = await ConnectToBackendAsync(cancellationToken);
        if (backend is null)
        {
            client.Close(0);
            return;
        }
        var link = new Link(client, backend.Value.Socket, backend.Value.Port);
        _links.TryAdd(link, 0);
        try
        {
            await link.RunAsync(cancellationToken);
        }
        finally
        {
            _links.TryRemove(link, out _);
        }
    }

    private async Task<(Socket Socket, int Port)?> ConnectToBackendAsync(CancellationToken cancellationToken)
    {
        // Least connections first (as one would configure HAProxy for WebSockets), round robin among equals; a
        // backend that refuses the connection is skipped.
        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)_backends.Length);
        var open = _links.Keys.GroupBy(l => l.BackendPort).ToDictionary(g => g.Key, g => g.Count());
        var order = Enumerable.Range(0, _backends.Length).Select(i => _backends[(start + i) % _backends.Length])
            .OrderBy(p => open.GetValueOrDefault(p)).ToList();
        foreach (var port in order)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            if (_backendReceiveBuffer is int size)
            {
                socket.ReceiveBufferSize = size;
            }
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
                return (socket, port);
            }
            catch (SocketException)
            {
                socket.Dispose();
            }
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        CutAll();
        _stop.Dispose();
    }

    /// <summary>One client connection and its backend connection.</summary>
    public sealed class Link(Socket client, Socket backend, int backendPort)
    {
        private readonly SemaphoreSlim _flowing = new(1, 1);
        private int _cut;
        private volatile bool _blackholed;

        public int BackendPort { get; } = backendPort;
        public DateTime Opened { get; } = DateTime.UtcNow;
        /// <summary>Bytes sent from the backend to the client so far.</summary>
        public long BytesToClient => Interlocked.Read(ref _bytesToClient);
        private long _bytesToClient;

        /// <summary>Resets both connections at once, as a dropped network would.</summary>
        public void Cut()
        {
            if (Interlocked.Exchange(ref _cut, 1) != 0)
            {
                return;
            }
            foreach (var socket in new[] { client, backend })
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close(0);
                }
                catch (ObjectDisposedException)
                {
                }
            }
        }

        /// <summary>
        /// Silently stops carrying anything, either way, for good, as a proxy that stopped forwarding or a network that died
        /// would: bytes are read and dropped, and neither side is closed or reset, even when the other one ends.
        /// </summary>
        public void Blackhole() => _blackholed = true;

        /// <summary>Stops passing bytes towards the client, as a reader that stopped reading would.</summary>
        public Task PauseAsync() => _flowing.WaitAsync();

        public void Resume() => _flowing.Release();

        internal async Task RunAsync(CancellationToken cancellationToken)
        {
            var up = PumpAsync(client, backend, toClient: false, cancellationToken);
            var down = PumpAsync(backend, client, toClient: true, cancellationToken);
            await Task.WhenAll(up, down);
            Cut();
        }

        private async Task PumpAsync(Socket from, Socket to, bool toClient, CancellationToken cancellationToken)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var read = await from.ReceiveAsync(buffer, cancellationToken);
                    if (_blackholed)
                    {
                        if (read == 0)
                        {
                            return;
                        }
                        continue;
                    }
                    if (read == 0)
                    {
                        to.Shutdown(SocketShutdown.Send);
                        return;
                    }
                    if (toClient)
                    {
                        await _flowing.WaitAsync(cancellationToken);
                        _flowing.Release();
                        Interlocked.Add(ref _bytesToClient, read);
                    }
                    await to.SendAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // A blackholed link passes nothing on, not even a reset: the other side ends only when its own peer does.
                if (!_blackholed || cancellationToken.IsCancellationRequested)
                {
                    Cut();
                }
            }
        }
    }
}
