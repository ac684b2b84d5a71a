using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace Tanager.LoadTest;

/// <summary>Handles one whole message; the span is only valid during the call.</summary>
internal delegate void FrameHandler(ReadOnlySpan<byte> frame);

/// <summary>
/// A minimal RFC 6455 client written on <see cref="Socket"/>, for every subscriber and publisher socket of the load tool.
/// It exists so that the client is not what is measured: <see cref="ClientWebSocket"/> costs the generator about half a
/// microsecond more per delivery (its receive state machine, a read per frame), and the SignalR client much more (it
/// parses every message into an invocation and calls a handler with a new string). This one reads as much as the
/// kernel has into one buffer and hands each whole message over as a span of it, so steady-state receiving is one
/// <c>recv</c> for many messages and allocates nothing. Only what the load tool needs: plain <c>ws://</c>, no
/// extensions or subprotocols, server frames unmasked, fragmented messages reassembled, pings answered.
/// </summary>
internal sealed class RawSocket : IAsyncDisposable
{
    // Room for ~60 fan-out frames per read; a larger message (READY, a replay) grows the buffer.
    private const int InitialBufferBytes = 16 * 1024;
    // Bounds what a misbehaving server can make one connection buffer.
    private const int MaxMessageBytes = 1024 * 1024;
    private const int MaxUpgradeResponseBytes = 16 * 1024;
    // Long enough for a loaded server to answer a close on loopback, short enough that closing 1000 sockets ends.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);
    private static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;

    private const byte OpContinuation = 0x0;
    private const byte OpText = 0x1;
    private const byte OpBinary = 0x2;
    private const byte OpClose = 0x8;
    private const byte OpPing = 0x9;
    private const byte OpPong = 0xA;

    private readonly Socket _socket = new(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _receiveStop = new();
    private readonly CancellationTokenSource _heartbeatStop = new();
    // Received bytes not yet handed over are _buffer[_start.._end).
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
    private int _start;
    private int _end;
    // A fragmented message being reassembled (servers here send whole messages as one frame; this is for correctness).
    private byte[]? _fragments;
    private int _fragmentsLength;
    private Task _receiveLoop = Task.CompletedTask;
    private Task _heartbeatLoop = Task.CompletedTask;
    private volatile bool _disposing;
    private volatile bool _closeSent;
    private volatile bool _ended;
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

    /// <summary>The status of the server's close frame; null while open or when the connection was dropped without one.</summary>
    public WebSocketCloseStatus? CloseStatus { get; private set; }

    public string? CloseStatusDescription { get; private set; }

    /// <summary>Opens the TCP connection and performs the HTTP/1.1 upgrade; bytes after the response are kept as frames.</summary>
    public async Task ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        if (uri.Scheme != "ws")
        {
            throw new InvalidOperationException($"The load tool's client speaks plain ws:// only, not {uri.Scheme}://.");
        }
        await _socket.ConnectAsync(uri.Host, uri.Port, cancellationToken);

        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = Encoding.ASCII.GetBytes(
            $"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
        await SendAllAsync(request, cancellationToken);

        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(0, _end).IndexOf(HeaderEnd)) < 0)
        {
            if (_end >= Math.Min(_buffer.Length, MaxUpgradeResponseBytes) || await ReadMoreAsync(cancellationToken) == 0)
            {
                throw new InvalidOperationException($"{uri} did not answer the WebSocket upgrade.");
            }
        }
        var response = Encoding.ASCII.GetString(_buffer, 0, headerEnd);
        var lines = response.Split("\r\n");
        if (!lines[0].StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{uri} refused the WebSocket upgrade: {lines[0]}");
        }
        var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        var accept = lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .FirstOrDefault(parts => parts.Length == 2 && parts[0].Trim().Equals("Sec-WebSocket-Accept", StringComparison.OrdinalIgnoreCase))?[1].Trim();
        if (accept != expected)
        {
            throw new InvalidOperationException($"{uri} answered the upgrade with a wrong Sec-WebSocket-Accept.");
        }
        _start = headerEnd + HeaderEnd.Length;
    }

    /// <summary>Sends <paramref name="message"/> as one masked text frame; concurrent sends go out one after another.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken) =>
        SendFrameAsync(OpText, message.Span, cancellationToken);

    /// <summary>Reads one whole message. Returns it (valid until the next receive), or null when the connection ended.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_ended)
            {
                return null;
            }
            if (!TryTakeFrame(out var fin, out var opcode, out var payloadStart, out var payloadLength, out var needed))
            {
                if (await FillAsync(needed, cancellationToken) == 0)
                {
                    // Dropped without a close frame.
                    _ended = true;
                    return null;
                }
                continue;
            }
            var payload = _buffer.AsMemory(payloadStart, payloadLength);
            switch (opcode)
            {
                case OpText or OpBinary when fin && _fragments is null:
                    return payload;
                case OpText or OpBinary:
                    AppendFragment(payload.Span, first: true);
                    break;
                case OpContinuation when _fragments is not null:
                    AppendFragment(payload.Span, first: false);
                    if (fin)
                    {
                        // Copied out, so that compacting the receive buffer does not move it; returned on the next call.
                        var whole = _fragments.AsMemory(0, _fragmentsLength);
                        _fragments = null;
                        return whole;
                    }
                    break;
                case OpPing:
                    await SendFrameAsync(OpPong, payload.Span, cancellationToken);
                    break;
                case OpPong:
                    break;
                case OpClose:
                    ReadClose(payload.Span);
                    _ended = true;
                    if (!_closeSent)
                    {
                        // Echo the status, as the closing handshake asks; best effort, the socket is ending anyway.
                        try
                        {
                            await SendCloseAsync(CloseStatus ?? WebSocketCloseStatus.NormalClosure, cancellationToken);
                        }
                        catch (SocketException)
                        {
                        }
                    }
                    return null;
                default:
                    throw new InvalidOperationException($"The server sent a frame with opcode {opcode}.");
            }
        }
    }

    /// <summary>Hands every further message to <paramref name="handler"/>; <paramref name="onLost"/> runs if the server drops the connection.</summary>
    public void StartReceiving(FrameHandler handler, Action onLost) => _receiveLoop = ReceiveLoopAsync(handler, onLost);

    /// <summary>Sends <paramref name="heartbeat"/> every <paramref name="interval"/>, the first at a random point of the first interval.</summary>
    public void StartHeartbeat(TimeSpan interval, ReadOnlyMemory<byte> heartbeat) => _heartbeatLoop = HeartbeatLoopAsync(interval, heartbeat);

    // Finds the next whole frame in the buffer and consumes it. When there is none yet, says how many bytes from
    // _start the buffer must hold before trying again.
    private bool TryTakeFrame(out bool fin, out byte opcode, out int payloadStart, out int payloadLength, out int needed)
    {
        fin = false;
        opcode = 0;
        payloadStart = 0;
        payloadLength = 0;
        var available = _buffer.AsSpan(_start, _end - _start);
        needed = 2;
        if (available.Length < needed)
        {
            return false;
        }
        if ((available[1] & 0x80) != 0)
        {
            throw new InvalidOperationException("The server sent a masked frame.");
        }
        long length = available[1] & 0x7F;
        var header = 2;
        if (length == 126)
        {
            header = 4;
        }
        else if (length == 127)
        {
            header = 10;
        }
        if (available.Length < header)
        {
            needed = header;
            return false;
        }
        length = header switch
        {
            4 => BinaryPrimitives.ReadUInt16BigEndian(available[2..]),
            10 => BinaryPrimitives.ReadInt64BigEndian(available[2..]),
            _ => length,
        };
        if (length is < 0 or > MaxMessageBytes)
        {
            throw new InvalidOperationException($"A frame of {length} bytes exceeds the load tool's limit of {MaxMessageBytes}.");
        }
        needed = header + (int)length;
        if (available.Length < needed)
        {
            return false;
        }
        fin = (available[0] & 0x80) != 0;
        opcode = (byte)(available[0] & 0x0F);
        payloadStart = _start + header;
        payloadLength = (int)length;
        _start += needed;
        return true;
    }

    // Reads until at least `needed` bytes from _start are buffered or the peer ended; returns 0 on the end.
    private async ValueTask<int> FillAsync(int needed, CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            // What is left is less than one frame: moving it to the front is cheap and leaves the whole buffer to read into.
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (needed > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        return await ReadMoreAsync(cancellationToken);
    }

    private async ValueTask<int> ReadMoreAsync(CancellationToken cancellationToken)
    {
        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        _end += read;
        return read;
    }

    private void AppendFragment(ReadOnlySpan<byte> payload, bool first)
    {
        if (first)
        {
            _fragments = new byte[Math.Max(payload.Length * 2, 1024)];
            _fragmentsLength = 0;
        }
        if (_fragmentsLength + payload.Length > MaxMessageBytes)
        {
            throw new InvalidOperationException($"A message exceeded {MaxMessageBytes} bytes.");
        }
        if (_fragmentsLength + payload.Length > _fragments!.Length)
        {
            Array.Resize(ref _fragments, Math.Max(_fragments.Length * 2, _fragmentsLength + payload.Length));
        }
        payload.CopyTo(_fragments.AsSpan(_fragmentsLength));
        _fragmentsLength += payload.Length;
    }

    private void ReadClose(ReadOnlySpan<byte> payload)
    {
        if (payload.Length >= 2)
        {
            CloseStatusDescription = Encoding.UTF8.GetString(payload[2..]);
            CloseStatus = (WebSocketCloseStatus)BinaryPrimitives.ReadUInt16BigEndian(payload);
        }
    }

    private ValueTask SendCloseAsync(WebSocketCloseStatus status, CancellationToken cancellationToken)
    {
        _closeSent = true;
        Span<byte> payload = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)status);
        return SendFrameAsync(OpClose, payload, cancellationToken);
    }

    // Client frames are masked (RFC 6455 §5.3); the frame is built whole and sent under the lock, since heartbeats,
    // pongs and publishes may come from different loops.
    private ValueTask SendFrameAsync(byte opcode, ReadOnlySpan<byte> payload, CancellationToken cancellationToken)
    {
        var header = payload.Length < 126 ? 2 : payload.Length <= ushort.MaxValue ? 4 : 10;
        var frameLength = header + 4 + payload.Length;
        var frame = ArrayPool<byte>.Shared.Rent(frameLength);
        frame[0] = (byte)(0x80 | opcode);
        switch (header)
        {
            case 2:
                frame[1] = (byte)(0x80 | payload.Length);
                break;
            case 4:
                frame[1] = 0x80 | 126;
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
                break;
            default:
                frame[1] = 0x80 | 127;
                BinaryPrimitives.WriteInt64BigEndian(frame.AsSpan(2), payload.Length);
                break;
        }
        var mask = frame.AsSpan(header, 4);
        Random.Shared.NextBytes(mask);
        var body = frame.AsSpan(header + 4, payload.Length);
        for (var i = 0; i < payload.Length; i++)
        {
            body[i] = (byte)(payload[i] ^ mask[i & 3]);
        }
        return SendLockedAsync(frame, frameLength, cancellationToken);
    }

    private async ValueTask SendLockedAsync(byte[] frame, int length, CancellationToken cancellationToken)
    {
        try
        {
            await _sendLock.WaitAsync(cancellationToken);
            try
            {
                await SendAllAsync(frame.AsMemory(0, length), cancellationToken);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
            bytes = bytes[sent..];
        }
    }

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
        catch (SocketException)
        {
            // Reset without a closing handshake; reported below like a close.
        }
        catch (InvalidOperationException)
        {
            // Oversized or malformed frame; reported below.
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
        catch (SocketException)
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
        if (_socket.Connected && !_ended && !_closeSent)
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            try
            {
                await SendCloseAsync(WebSocketCloseStatus.NormalClosure, timeout.Token);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                // Best effort: the socket is closed below either way.
            }
        }
        // The receive loop ends on the server's close reply, or on this cancellation after the timeout above.
        await Task.WhenAny(_receiveLoop, Task.Delay(CloseTimeout));
        await _receiveStop.CancelAsync();
        await _receiveLoop;
        _socket.Dispose();
        _sendLock.Dispose();
        _receiveStop.Dispose();
        _heartbeatStop.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }
}
