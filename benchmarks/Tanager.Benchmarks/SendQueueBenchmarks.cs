using System.Threading.Channels;
using BenchmarkDotNet.Attributes;

namespace Tanager.Benchmarks;

/// <summary>
/// The send queue alone, with its writer: N connections, each with a parked writer task; one operation queues
/// <see cref="FramesPerSubscriber"/> frames on every connection and waits until every writer has woken, drained its
/// queue and released the counts. No I/O: this is what the queue and the wakeups cost per delivery, compared with the
/// bounded <see cref="System.Threading.Channels.Channel{T}"/> the transports used before <see cref="OutboundFrameQueue"/> (lock per write and per
/// read, same limits, same byte accounting).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PerEventConfig))]
public class SendQueueBenchmarks
{
    private static readonly ReadOnlyMemory<byte> Frame = new byte[200];
    private ISubscriber[] _subscribers = null!;
    private int _pending;
    private TaskCompletionSource _drained = null!;

    [Params(1000)]
    public int Subscribers { get; set; }

    [Params(1, 16)]
    public int FramesPerSubscriber { get; set; }

    [Params("Channel", "OutboundFrameQueue")]
    public string Queue { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var options = new GatewayOptions();
        _subscribers = new ISubscriber[Subscribers];
        for (var i = 0; i < Subscribers; i++)
        {
            _subscribers[i] = Queue == "Channel" ? new ChannelSubscriber(this, options) : new FrameQueueSubscriber(this, options);
        }
    }

    [Benchmark]
    public Task Broadcast()
    {
        _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _pending, Subscribers * FramesPerSubscriber);
        for (var f = 0; f < FramesPerSubscriber; f++)
        {
            foreach (var subscriber in _subscribers)
            {
                if (!subscriber.TrySend(Frame))
                {
                    throw new InvalidOperationException("A send queue refused a frame.");
                }
            }
        }
        return _drained.Task;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.Complete();
        }
    }

    private void Written(int frames)
    {
        if (Interlocked.Add(ref _pending, -frames) == 0)
        {
            _drained.TrySetResult();
        }
    }

    private interface ISubscriber
    {
        bool TrySend(ReadOnlyMemory<byte> frame);
        void Complete();
    }

    /// <summary>The previous design: Channel.CreateBounded plus an interlocked byte count.</summary>
    private sealed class ChannelSubscriber : ISubscriber
    {
        private readonly SendQueueBenchmarks _owner;
        private readonly System.Threading.Channels.Channel<ReadOnlyMemory<byte>> _queue;
        private readonly long _byteLimit;
        private long _queuedBytes;

        public ChannelSubscriber(SendQueueBenchmarks owner, GatewayOptions options)
        {
            _owner = owner;
            _byteLimit = options.SendQueueBytes;
            _queue = System.Threading.Channels.Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(options.SendQueueFrames)
            {
                SingleReader = true,
                SingleWriter = false,
                FullMode = BoundedChannelFullMode.Wait,
            });
            _ = WriteLoopAsync();
        }

        public bool TrySend(ReadOnlyMemory<byte> frame)
        {
            if (Interlocked.Add(ref _queuedBytes, frame.Length) > _byteLimit || !_queue.Writer.TryWrite(frame))
            {
                Interlocked.Add(ref _queuedBytes, -frame.Length);
                return false;
            }
            return true;
        }

        public void Complete() => _queue.Writer.TryComplete();

        private async Task WriteLoopAsync()
        {
            var reader = _queue.Reader;
            while (await reader.WaitToReadAsync())
            {
                var released = 0L;
                var frames = 0;
                while (reader.TryRead(out var frame))
                {
                    released += frame.Length;
                    frames++;
                }
                Interlocked.Add(ref _queuedBytes, -released);
                _owner.Written(frames);
            }
        }
    }

    /// <summary>The transports' queue now.</summary>
    private sealed class FrameQueueSubscriber : ISubscriber
    {
        private readonly SendQueueBenchmarks _owner;
        private readonly OutboundFrameQueue _queue;

        public FrameQueueSubscriber(SendQueueBenchmarks owner, GatewayOptions options)
        {
            _owner = owner;
            _queue = new OutboundFrameQueue(options.SendQueueBytes, options.SendQueueFrames);
            _ = WriteLoopAsync();
        }

        public bool TrySend(ReadOnlyMemory<byte> frame) => _queue.TryEnqueue(frame) == OutboundEnqueueResult.Queued;

        public void Complete() => _queue.Complete(discardBacklog: false);

        private async Task WriteLoopAsync()
        {
            while (await _queue.WaitToReadAsync())
            {
                var released = 0L;
                var frames = 0;
                while (_queue.TryDequeue(out var frame))
                {
                    released += frame.Length;
                    frames++;
                }
                _queue.Release(released, frames);
                _owner.Written(frames);
            }
        }
    }
}
