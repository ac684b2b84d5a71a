using System.Buffers;
using System.Net.WebSockets;

namespace Tanager.LoadTest;

/// <summary>Handles one whole text message; the span is only valid during the call.</summary>
internal delegate void FrameHandler(ReadOnlySpan<byte> frame);

/// <summary>
/// A <see cref="ClientWebSocket"/> with a pooled receive buffer, used for plain-WebSocket and Tanager gateway
/// connections. The receive loop reassembles each message into the same buffer and hands it over as a span, so
/// steady-state receiving allocates nothing per message.
/// </summary>
internal sealed class RawSocket : IAsyncDisposable
{
    // A Tanager MESSAGE_CREATE with a 200-byte payload is well under 1 KiB; READY may be larger and grows the buffer.
    private const int InitialBufferBytes = 4 * 1024;
    // Bounds what a misbehaving server can make one connection buffer.
    private const int MaxMessageBytes = 1024 * 1024;
    // Long enough for a loaded server to answer a close on loopback, short enough that closing 1000 sockets ends.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _receiveStop = new();
    private readonly CancellationTokenSource _heartbeatStop = new();
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
    private Task _receiveLoop = Task.CompletedTask;
    private Task _heartbeatLoop = Task.CompletedTask;
    private volatile bool _disposing;
    private int _disposed;
    private volatile TaskCompletionSource? _stall;
    private volatile FrameHandler? _afterStall;

    /// <summary>The receive loop ends when the server closed or dropped the connection.</summary>
    public Task Receiving => _receiveLoop;

    /// <summary>
    /// Stops reading (heartbeats go on): a client whose reader hangs. Nothing it reads later reaches the handler: it goes
    /// to <paramref name="afterStall"/> instead, so a check can see what the socket still had without it being measured.
    /// </summary>
    public void Stall(FrameHandler afterStall)
    {
        _afterStall = afterStall;
        _stall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Reads again, handing what it reads to the stall's handler, until the connection ends.</summary>
    public void Unstall() => _stall?.TrySetResult();

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;
    public string? CloseStatusDescription => _socket.CloseStatusDescription;

    public Task ConnectAsync(Uri uri, HttpMessageInvoker invoker, CancellationToken cancellationToken) =>
        _socket.ConnectAsync(uri, invoker, cancellationToken);

    public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
        _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>Reads one whole message. Returns it (valid until the next receive), or null when the server closed.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            if (count == _buffer.Length)
            {
                if (_buffer.Length >= MaxMessageBytes)
                {
                    throw new InvalidOperationException($"A message exceeded {MaxMessageBytes} bytes.");
                }
                var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                _buffer.AsSpan(0, count).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }
            result = await _socket.ReceiveAsync(_buffer.AsMemory(count), cancellationToken);
            count += result.Count;
        }
        while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

        return result.MessageType == WebSocketMessageType.Close ? null : _buffer.AsMemory(0, count);
    }

    /// <summary>Hands every further message to <paramref name="handler"/>; <paramref name="onLost"/> runs if the server drops the connection.</summary>
    public void StartReceiving(FrameHandler handler, Action onLost) => _receiveLoop = ReceiveLoopAsync(handler, onLost);

    /// <summary>Sends <paramref name="heartbeat"/> every <paramref name="interval"/>. The heartbeat must be the socket's only sender from then on.</summary>
    public void StartHeartbeat(TimeSpan interval, ReadOnlyMemory<byte> heartbeat) => _heartbeatLoop = HeartbeatLoopAsync(interval, heartbeat);

    private async Task ReceiveLoopAsync(FrameHandler handler, Action onLost)
    {
        try
        {
            while (true)
            {
                if (_stall is { } stall)
                {
                    await stall.Task.WaitAsync(_receiveStop.Token);
                }
                if (await ReceiveAsync(_receiveStop.Token) is not { } message)
                {
                    break;
                }
                if (_afterStall is { } afterStall)
                {
                    afterStall(message.Span);
                    continue;
                }
                handler(message.Span);
            }
        }
        catch (OperationCanceledException)
        {
            // Disposal.
        }
        catch (WebSocketException)
        {
            // Dropped without a closing handshake; reported below like a close.
        }
        catch (InvalidOperationException)
        {
            // Oversized message; reported below.
        }
        if (!_disposing)
        {
            onLost();
        }
    }

    private async Task HeartbeatLoopAsync(TimeSpan interval, ReadOnlyMemory<byte> heartbeat)
    {
        try
        {
            // A random first beat spreads N connections' heartbeats over the interval instead of sending them in bursts.
            await Task.Delay(interval * Random.Shared.NextDouble(), _heartbeatStop.Token);
            using var timer = new PeriodicTimer(interval);
            do
            {
                await SendAsync(heartbeat, _heartbeatStop.Token);
            }
            while (await timer.WaitForNextTickAsync(_heartbeatStop.Token));
        }
        catch (OperationCanceledException)
        {
            // Disposal.
        }
        catch (WebSocketException)
        {
            // The connection is gone; the receive loop reports it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A stalled subscriber the check closed early is disposed again with the others at the end.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _disposing = true;
        await _heartbeatStop.CancelAsync();
        await _heartbeatLoop;
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // Best effort: the socket is aborted below either way.
            }
        }
        // The receive loop ends on the server's close reply, or on this cancellation after the timeout above.
        await Task.WhenAny(_receiveLoop, Task.Delay(CloseTimeout));
        await _receiveStop.CancelAsync();
        await _receiveLoop;
        _socket.Dispose();
        _receiveStop.Dispose();
        _heartbeatStop.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }
}
