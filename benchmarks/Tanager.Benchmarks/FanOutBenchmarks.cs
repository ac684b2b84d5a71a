using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Tanager.Protocol;

namespace Tanager.Benchmarks;

/// <summary>
/// One MESSAGE_CREATE delivered to N local subscribers through the real path: EventDispatcher (serialize once) →
/// InProcessPubSub → FanOut (one OutboundEvent) → each listener frames via OutboundEvent.GetFrame (framed once, cached)
/// and enqueues the same bytes into its WebSocketConnection's bounded send queue.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(FanOutConfig))]
public class FanOutBenchmarks
{
    private readonly DeliveryFailures _failures = new();
    private SubscriberQueues _queues = null!;
    private EventDispatcher _dispatcher = null!;
    private MessageDto _message = null!;

    [Params(1000, 10000)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _message = SampleEvent.Message;
        _queues = new SubscriberQueues(Subscribers, new GatewayOptions());
        var pubSub = new InProcessPubSub();
        var fanOut = new FanOut(pubSub);
        foreach (var connection in _queues.Connections)
        {
            await fanOut.AddAsync(SampleEvent.Subject, new ConnectionListener(connection, _failures));
        }
        _dispatcher = new EventDispatcher(pubSub);

        // Guard the design, not just the speed: one dispatch puts the very same frame array in every queue.
        await Dispatch();
        var frames = _queues.TakeOneFrameEach();
        if (!MemoryMarshal.TryGetArray(frames[0], out var first))
        {
            throw new InvalidOperationException("Frame is not array-backed.");
        }
        foreach (var frame in frames)
        {
            if (!MemoryMarshal.TryGetArray(frame, out var segment) || !ReferenceEquals(segment.Array, first.Array))
            {
                throw new InvalidOperationException("Subscribers received different frame arrays: the event was framed more than once.");
            }
        }
        ThrowOnFailures();
    }

    [Benchmark]
    public ValueTask Dispatch() =>
        _dispatcher.PublishAsync(SampleEvent.Header, _message, TanagerJsonContext.Default.MessageDto);

    [IterationCleanup]
    public void DrainQueues()
    {
        _queues.Drain();
        ThrowOnFailures();
    }

    [GlobalCleanup]
    public ValueTask CleanupAsync() => _queues.DisposeAsync();

    private void ThrowOnFailures()
    {
        if (_failures.Count != 0)
        {
            throw new InvalidOperationException($"{_failures.Count} TrySend calls were refused: the queues were too small for the invocations per iteration.");
        }
    }
}
