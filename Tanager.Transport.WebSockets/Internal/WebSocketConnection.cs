using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
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
    private readonly Action _abort;
    private readonly GatewayOptions _options;
    private readonly ILogger _logger;
    private readonly System.Threading.Channels.Channel<ReadOnlyMemory<byte>> _queue;
    private readonly CancellationTokenSource _writerStop = new();
    private readonly CancellationTokenSource _readerStop = new();
    private readonly WebSocketMessageAssembler _assembler;
    private long _queuedBytes;
    private long _peakQueuedBytes;
    private int _closing;
    private volatile bool _dropping;
    private byte[]? _closeFrame;

    public WebSocketConnection(IDuplexPipe transport, Action abort, GatewayOptions options, ILogger logger)
    {
        _transport = transport;
        _abort = abort;
        _options = options;
        _logger = logger;
        _assembler = new WebSocketMessageAssembler(options.MaxInboundMessageBytes);
        _queue = System.Threading.Channels.Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(options.SendQueueFrames)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public IFrameEncoder Encoder => WebSocketTextFrameEncoder.Instance;

    /// <summary>Bytes queued and not yet handed to the socket.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    public int QueuedFrames => _queue.Reader.Count;

    public ValueTask WaitForRoomAsync(CancellationToken cancellationToken) => new(Task.Delay(20, cancellationToken));

    /// <summary>The most bytes ever queued at once: never above the configured limit plus one frame.</summary>
    public long PeakQueuedBytes => Interlocked.Read(ref _peakQueuedBytes);

    public bool TrySend(ReadOnlyMemory<byte> frame)
    {
        if (Volatile.Read(ref _closing) != 0)
        {
            return false;
        }
        var queued = Interlocked.Add(ref _queuedBytes, frame.Length);
        if (queued > _options.SendQueueBytes || !_queue.Writer.TryWrite(frame))
        {
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            DropSlowConsumer();
            return false;
        }
        UpdatePeak(queued);
        GatewayMetrics.QueuedBytes.Add(frame.Length);
        return true;
    }

    public void Close(int code, string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }
        _closeFrame = WebSocketFrameWriter.BuildFrame(WebSocketOpcode.Close, WebSocketFrameWriter.BuildClosePayload(code, reason));
        // The writer sends what is queued, then the close frame, within the close timeout.
        _queue.Writer.TryComplete();
        _writerStop.CancelAfter(CloseSendTimeout + ClosePeerTimeout);
    }

    public async Task RunAsync(GatewayHub hub, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _readerStop.Token);
        var writer = WriteLoopAsync();
        var session = hub.Connect(this);
        try
        {
            await ReadLoopAsync(session, linked.Token);
        }
        finally
        {
            await session.DisposeAsync();
            Close(GatewayCloseCodes.Normal, "");
            await writer;
        }
    }

    private async Task ReadLoopAsync(GatewaySession session, CancellationToken cancellationToken)
    {
        var input = _transport.Input;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(cancellationToken);
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
                }
                if (stop || result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The peer went away mid-frame; nothing to answer.
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

    private async Task WriteLoopAsync()
    {
        var output = _transport.Output;
        var reader = _queue.Reader;
        var token = _writerStop.Token;
        try
        {
            while (await reader.WaitToReadAsync(token))
            {
                var released = 0L;
                while (reader.TryRead(out var frame))
                {
                    // A dropped consumer's backlog is discarded: only the close frame still goes out.
                    if (!_dropping)
                    {
                        output.Write(frame.Span);
                    }
                    released += frame.Length;
                }
                Interlocked.Add(ref _queuedBytes, -released);
                GatewayMetrics.QueuedBytes.Add(-released);
                var flush = await output.FlushAsync(token);
                if (flush.IsCompleted)
                {
                    return;
                }
            }
            if (_closeFrame is not null)
            {
                output.Write(_closeFrame);
                await output.FlushAsync(token);
                // Give the peer a moment to answer with its own close (§7.1.1), then stop reading either way.
                _readerStop.CancelAfter(ClosePeerTimeout);
            }
        }
        catch (OperationCanceledException)
        {
            // The peer did not take the close frame in time: drop the connection.
            _readerStop.Cancel();
            _abort();
        }
        catch (IOException)
        {
            _readerStop.Cancel();
        }
        finally
        {
            await output.CompleteAsync();
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
        _dropping = true;
        _closeFrame = WebSocketFrameWriter.BuildFrame(WebSocketOpcode.Close, WebSocketFrameWriter.BuildClosePayload(GatewayCloseCodes.SlowConsumer, "Slow consumer: reconnect and catch up."));
        _queue.Writer.TryComplete();
        _writerStop.CancelAfter(CloseSendTimeout);
    }

    private void UpdatePeak(long queued)
    {
        var peak = Interlocked.Read(ref _peakQueuedBytes);
        while (queued > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peakQueuedBytes, queued, peak);
            if (seen == peak)
            {
                return;
            }
            peak = seen;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Frames still queued when the writer gave up are released with the connection.
        GatewayMetrics.QueuedBytes.Add(-Interlocked.Exchange(ref _queuedBytes, 0));
        await _transport.Input.CompleteAsync();
        _writerStop.Dispose();
        _readerStop.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "Dropping a slow gateway consumer with {QueuedBytes} bytes queued")]
        public static partial void SlowConsumer(ILogger logger, long queuedBytes);
    }
}
