using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Tanager.Protocol;

namespace Tanager.Transport.WebSockets.Internal;

/// <summary>
/// One WebSocket connection: a read loop that parses frames and feeds complete messages to the gateway session, and one
/// writer loop that drains a bounded queue of pre-built frames, coalescing whatever is queued into a single flush.
/// </summary>
internal sealed partial class WebSocketConnection : IGatewayConnection, IAsyncDisposable
{
    /// <summary>How long a close frame may take to leave before the connection is simply dropped.</summary>
    internal static readonly TimeSpan CloseSendTimeout = TimeSpan.FromSeconds(2);
    /// <summary>How long to wait for the peer's close reply (RFC 6455 §7.1.1) before dropping the connection.</summary>
    internal static readonly TimeSpan ClosePeerTimeout = TimeSpan.FromSeconds(5);

    private readonly IDuplexPipe _transport;
    private readonly FrameOutput _output;
    private readonly Action _abort;
    private readonly GatewayOptions _options;
    private readonly ILogger _logger;
    private readonly OutboundFrameQueue _queue;
    private readonly WebSocketMessageAssembler _assembler;
    private int _closing;
    private byte[]? _closeFrame;
    /// <summary>Created on close only: first bounds the close frame's send, then the wait for the peer's close reply.</summary>
    private Timer? _closeTimer;
    /// <summary>1 once the writer has sent the close frame; the close timer then stops the reader instead of the writer.</summary>
    private int _closeSent;
    private int _timedOut;
    private int _writerDone;

    /// <param name="socket">The connection's own socket when nothing (such as TLS) sits between it and
    /// <paramref name="transport"/>: frames are then sent on it directly (see <see cref="FrameOutput"/>).</param>
    /// <param name="ownsTransport">False when the transport belongs to the server's connection (Kestrel's): its output
    /// is then not completed here, because completing it makes the server shut the socket down at once, before the
    /// peer's close reply and possibly before the last frames left. The server completes it when the connection ends.</param>
    public WebSocketConnection(IDuplexPipe transport, Socket? socket, Action abort, GatewayOptions options, ILogger logger, bool ownsTransport = true)
    {
        _transport = transport;
        _output = FrameOutput.For(transport, socket, ownsTransport);
        _abort = abort;
        _options = options;
        _logger = logger;
        _assembler = new WebSocketMessageAssembler(options.MaxInboundMessageBytes);
        _queue = new OutboundFrameQueue(options.SendQueueBytes, options.SendQueueFrames, Encoder);
    }

    public IFrameEncoder Encoder => WebSocketTextFrameEncoder.Instance;

    /// <summary>Bytes queued and not yet handed to the socket.</summary>
    public long QueuedBytes => _queue.QueuedBytes;

    public int QueuedFrames => _queue.QueuedFrames;

    /// <summary>The most bytes ever queued at once: never above the configured limit.</summary>
    public long PeakQueuedBytes => _queue.PeakQueuedBytes;

    public bool TrySend(ReadOnlyMemory<byte> frame) => Queued(_queue.TryEnqueue(frame), frame, null);

    public bool TrySend(OutboundEvent outboundEvent) => Queued(_queue.TryEnqueue(outboundEvent), default, outboundEvent);

    private bool Queued(OutboundEnqueueResult result, ReadOnlyMemory<byte> frame, OutboundEvent? outboundEvent)
    {
        switch (result)
        {
            case OutboundEnqueueResult.Queued:
                if (GatewayMetrics.QueuedBytes.Enabled)
                {
                    GatewayMetrics.QueuedBytes.Add((outboundEvent?.GetFrame(Encoder) ?? frame).Length);
                }
                return true;
            case OutboundEnqueueResult.Full:
                DropSlowConsumer();
                return false;
            default:
                return false;
        }
    }

    public ValueTask WaitForRoomAsync(CancellationToken cancellationToken) => _queue.WaitForRoomAsync(cancellationToken);

    public void Close(int code, string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }
        _closeFrame = WebSocketFrameWriter.BuildFrame(WebSocketOpcode.Close, WebSocketFrameWriter.BuildClosePayload(code, reason));
        // The writer sends what is queued, then the close frame, within the close timeout.
        StartCloseTimer(CloseSendTimeout + ClosePeerTimeout);
        _queue.Complete(discardBacklog: false);
    }

    /// <summary>
    /// Serves the connection: the read loop runs in this method (one state machine per idle connection, not two), the
    /// writer beside it; when reading ends the session is closed, the writer finishes and the connection is disposed.
    /// </summary>
    public async Task RunAsync(GatewayHub hub, string? clientAddress, CancellationToken cancellationToken)
    {
        GatewayMetrics.Connections.Add(1);
        var writer = WriteLoopAsync();
        var session = hub.ConnectFrom(clientAddress, this);
        var input = _transport.Input;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(cancellationToken);
                if (result.IsCanceled)
                {
                    // The close timer gave up on the peer's close reply.
                    return;
                }
                var buffer = result.Buffer;
                var stop = false;
                try
                {
                    while (!stop)
                    {
                        var status = WebSocketFrameParser.TryParse(ref buffer, _options.MaxInboundMessageBytes, requireMask: true, out var header, out var payload, out var error);
                        if (status == FrameParseStatus.NeedMoreData)
                        {
                            break;
                        }
                        if (status != FrameParseStatus.Ok)
                        {
                            Close(status == FrameParseStatus.TooBig ? GatewayCloseCodes.MessageTooBig : GatewayCloseCodes.ProtocolError, error ?? "Invalid frame.");
                            return;
                        }
                        stop = await HandleFrameAsync(session, header, payload, cancellationToken);
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                    // An idle connection holds no message buffer while it waits for the next read.
                    _assembler.ReleaseIdleBuffers();
                }
                if (stop || result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Cancelled by the host, or the transport aborted the connection (Kestrel completes its input with a
            // ConnectionAbortedException before it signals ConnectionClosed): either way there is nothing to read.
        }
        catch (IOException)
        {
            // The peer went away mid-frame; nothing to answer.
        }
        finally
        {
            // Each step runs whatever the one before it threw: a writer left parked would keep the connection forever.
            try
            {
                await session.DisposeAsync();
            }
            finally
            {
                Close(GatewayCloseCodes.Normal, "");
                try
                {
                    await writer;
                }
                finally
                {
                    GatewayMetrics.Connections.Add(-1);
                    await DisposeAsync();
                }
            }
        }
    }

    /// <summary>Returns true when the connection is done reading.</summary>
    private async ValueTask<bool> HandleFrameAsync(GatewaySession session, WebSocketFrameHeader header, ReadOnlySequence<byte> payload, CancellationToken cancellationToken)
    {
        var result = _assembler.ProcessMasked(header, payload);
        switch (result.Kind)
        {
            case WebSocketAssemblerResultKind.Incomplete or WebSocketAssemblerResultKind.Pong:
                return false;
            case WebSocketAssemblerResultKind.Ping:
                TrySend(WebSocketFrameWriter.BuildFrame(WebSocketOpcode.Pong, result.Payload.Span));
                return false;
            case WebSocketAssemblerResultKind.Message when result.IsText:
                if (Volatile.Read(ref _closing) == 0)
                {
                    await session.ReceiveAsync(result.Payload, cancellationToken);
                }
                return false;
            case WebSocketAssemblerResultKind.Message:
                Close(GatewayCloseCodes.UnsupportedData, "The gateway accepts text frames only.");
                return true;
            case WebSocketAssemblerResultKind.Close:
                // Echo the peer's code (§5.5.1); 1005 means it sent none, so answer with a plain normal closure.
                Close(result.CloseCode == 1005 ? GatewayCloseCodes.Normal : result.CloseCode, "");
                return true;
            default:
                Close(result.CloseCode, result.Reason ?? "Protocol error.");
                return true;
        }
    }

    /// <summary>
    /// The single writer: parks on the queue (no thread, no pending flush while idle), and when woken writes everything
    /// queued into the transport's buffer and flushes once, so a burst costs one wakeup and one send per connection.
    /// </summary>
    private async Task WriteLoopAsync()
    {
        var output = _output;
        try
        {
            while (await _queue.WaitToReadAsync())
            {
                if (!_queue.TryDequeue(out var first))
                {
                    continue;
                }
                // A dropped consumer's backlog is discarded: only the close frame still goes out.
                var discard = _queue.IsDiscarding;
                var released = (long)first.Length;
                var frames = 1;
                var buffered = 0L;
                while ((discard || released < FrameOutput.MaxBatchBytes) && _queue.TryDequeue(out var frame))
                {
                    if (!discard)
                    {
                        if (buffered == 0)
                        {
                            output.Buffer(first.Span);
                            buffered = first.Length;
                        }
                        output.Buffer(frame.Span);
                        buffered += frame.Length;
                    }
                    released += frame.Length;
                    frames++;
                }
                _queue.Release(released, frames);
                if (GatewayMetrics.QueuedBytes.Enabled)
                {
                    GatewayMetrics.QueuedBytes.Add(-released);
                }
                if (discard)
                {
                    break;
                }
                // One frame (the usual case below saturation) goes to the transport as it is: no copy into a buffer first.
                var written = buffered > 0 ? await output.FlushAsync() : await output.WriteAsync(first);
                if (written == FrameWrite.Cancelled)
                {
                    TimedOut();
                    return;
                }
                if (written == FrameWrite.Closed)
                {
                    return;
                }
                GatewayMetrics.Sent(frames);
            }
            if (_closeFrame is not null && Volatile.Read(ref _timedOut) == 0)
            {
                var written = await output.WriteAsync(_closeFrame);
                if (written == FrameWrite.Cancelled)
                {
                    TimedOut();
                    return;
                }
                // Give the peer a moment to answer with its own close (§7.1.1), then stop reading either way.
                Volatile.Write(ref _closeSent, 1);
                _closeTimer?.Change(ClosePeerTimeout, Timeout.InfiniteTimeSpan);
            }
        }
        catch (IOException)
        {
            _transport.Input.CancelPendingRead();
        }
        catch (OperationCanceledException)
        {
            _transport.Input.CancelPendingRead();
        }
        finally
        {
            Volatile.Write(ref _writerDone, 1);
            await output.CompleteAsync();
        }
    }

    /// <summary>The peer did not take the close frame in time: drop the connection.</summary>
    private void TimedOut()
    {
        _transport.Input.CancelPendingRead();
        _abort();
    }

    private void StartCloseTimer(TimeSpan timeout)
    {
        // Called once (under the _closing exchange); the timer is the only per-connection timer, and only while closing.
        _closeTimer = new Timer(static state => ((WebSocketConnection)state!).OnCloseTimeout(), this, timeout, Timeout.InfiniteTimeSpan);
    }

    private void OnCloseTimeout()
    {
        try
        {
            if (Volatile.Read(ref _closeSent) != 0 || Volatile.Read(ref _writerDone) != 0)
            {
                // The close frame left (or the writer has stopped); the peer did not answer in time: stop reading.
                _transport.Input.CancelPendingRead();
                return;
            }
            Volatile.Write(ref _timedOut, 1);
            _output.CancelPendingWrite();
            // A writer parked or between flushes sees the flag; a writer stuck in a flush sees the cancelled flush.
            _transport.Input.CancelPendingRead();
            _abort();
        }
        catch (ObjectDisposedException)
        {
            // The writer completed its pipe in between: nothing is left to stop.
        }
    }

    /// <summary>
    /// The peer's queue is full. Its backlog is discarded and a 4010 close frame is sent after whatever write is in
    /// progress; a peer that has stopped reading cannot take even that, so after <see cref="CloseSendTimeout"/> the
    /// connection is torn down. Either way the client reconnects and catches up from the store.
    /// </summary>
    private void DropSlowConsumer()
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }
        Log.SlowConsumer(_logger, QueuedBytes);
        GatewayMetrics.SlowConsumers.Add(1);
        _closeFrame = WebSocketFrameWriter.BuildFrame(WebSocketOpcode.Close, WebSocketFrameWriter.BuildClosePayload(GatewayCloseCodes.SlowConsumer, "Slow consumer: reconnect and catch up."));
        StartCloseTimer(CloseSendTimeout);
        _queue.Complete(discardBacklog: true);
    }

    public async ValueTask DisposeAsync()
    {
        // Frames still queued when the writer gave up are released with the connection.
        var rest = _queue.Clear();
        if (GatewayMetrics.QueuedBytes.Enabled)
        {
            GatewayMetrics.QueuedBytes.Add(-rest);
        }
        // The timer first: its callback touches the pipes, and DisposeAsync waits for a callback in flight.
        if (_closeTimer is { } timer)
        {
            await timer.DisposeAsync();
        }
        await _transport.Input.CompleteAsync();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "Dropping a slow gateway consumer with {QueuedBytes} bytes queued")]
        public static partial void SlowConsumer(ILogger logger, long queuedBytes);
    }
}
