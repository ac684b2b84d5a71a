using System.IO.Pipelines;
using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Tanager.Transport.WebSockets.Internal;

namespace Tanager.Benchmarks;

/// <summary>
/// N real <see cref="WebSocketConnection"/>s with production <see cref="GatewayOptions"/>. Their writer loop only starts
/// in <c>RunAsync</c>, so nothing drains the bounded send queues during a benchmark: frames just sit in the
/// <see cref="OutboundFrameQueue"/>, which is exactly the enqueue cost we want (no writer is parked, so no wakeup is
/// scheduled either: that cost belongs to the end-to-end load test). Between iterations <see cref="Drain"/> empties
/// each queue the way the writer loop would (take every frame, release the queued counts), so every <c>TrySend</c> of
/// the next iteration succeeds and the queues' segments stay warm (steady state, no growth).
/// </summary>
internal sealed class SubscriberQueues : IAsyncDisposable
{
    private static readonly FieldInfo QueueField = typeof(WebSocketConnection).GetField("_queue", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException("WebSocketConnection._queue not found: update the benchmark's drain.");

    private readonly OutboundFrameQueue[] _readers;

    public SubscriberQueues(int count, GatewayOptions options)
    {
        // The connections never read or write their transport here; one idle pipe serves them all.
        var pipe = new Pipe();
        var transport = new DuplexPipe(pipe.Reader, pipe.Writer);
        Connections = new WebSocketConnection[count];
        _readers = new OutboundFrameQueue[count];
        for (var i = 0; i < count; i++)
        {
            var connection = new WebSocketConnection(transport, socket: null, static () => { }, options, NullLogger.Instance);
            Connections[i] = connection;
            _readers[i] = (OutboundFrameQueue)QueueField.GetValue(connection)!;
        }
    }

    public WebSocketConnection[] Connections { get; }

    /// <summary>Empties every queue; returns how many frames were queued per connection (throws if they differ).</summary>
    public int Drain()
    {
        var expected = -1;
        for (var i = 0; i < Connections.Length; i++)
        {
            var frames = 0;
            var bytes = 0L;
            while (_readers[i].TryDequeue(out var frame))
            {
                frames++;
                bytes += frame.Length;
            }
            // What WriteLoopAsync does after writing a batch.
            _readers[i].Release(bytes, frames);
            GatewayMetrics.QueuedBytes.Add(-bytes);
            if (expected < 0)
            {
                expected = frames;
            }
            else if (frames != expected)
            {
                throw new InvalidOperationException($"Connection {i} had {frames} frames queued, connection 0 had {expected}: a TrySend failed or a subscriber was skipped.");
            }
        }
        return expected;
    }

    /// <summary>Drains and returns the first frame queued on each connection (for checks, not on the measured path).</summary>
    public ReadOnlyMemory<byte>[] TakeOneFrameEach()
    {
        var frames = new ReadOnlyMemory<byte>[Connections.Length];
        for (var i = 0; i < Connections.Length; i++)
        {
            if (!_readers[i].TryDequeue(out frames[i]))
            {
                throw new InvalidOperationException($"Connection {i} received nothing.");
            }
            _readers[i].Release(frames[i].Length, 1);
            GatewayMetrics.QueuedBytes.Add(-frames[i].Length);
        }
        if (Drain() != 0)
        {
            throw new InvalidOperationException("Expected exactly one frame per connection.");
        }
        return frames;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in Connections)
        {
            await connection.DisposeAsync();
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
