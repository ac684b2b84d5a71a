using BenchmarkDotNet.Attributes;
using Tanager.Protocol;

namespace Tanager.Benchmarks;

/// <summary>
/// Baseline the architecture rules out: serialize and frame the event once per recipient, then enqueue into the same
/// real WebSocketConnection queues as <see cref="FanOutBenchmarks"/>. Only the per-recipient work differs.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(NaiveFanOutConfig))]
public class NaiveFanOutBenchmarks
{
    private SubscriberQueues _queues = null!;
    private MessageDto _message = null!;
    private int _failures;

    [Params(1000, 10000)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _message = SampleEvent.Message;
        _queues = new SubscriberQueues(Subscribers, new GatewayOptions());
    }

    [Benchmark]
    public void SerializeAndFramePerRecipient()
    {
        foreach (var connection in _queues.Connections)
        {
            var payload = GatewayEnvelope.Serialize(GatewayOpCode.Dispatch, GatewayEvents.MessageCreate, _message, TanagerJsonContext.Default.MessageDto);
            if (!connection.TrySend(connection.Encoder.Encode(payload)))
            {
                _failures++;
            }
        }
    }

    [IterationCleanup]
    public void DrainQueues()
    {
        _queues.Drain();
        if (_failures != 0)
        {
            throw new InvalidOperationException($"{_failures} TrySend calls were refused.");
        }
    }

    [GlobalCleanup]
    public ValueTask CleanupAsync() => _queues.DisposeAsync();
}
