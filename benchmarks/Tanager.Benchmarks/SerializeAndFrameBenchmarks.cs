using BenchmarkDotNet.Attributes;
using Tanager.Protocol;
using Tanager.Transport.WebSockets;

namespace Tanager.Benchmarks;

/// <summary>The per-event fixed cost of the fan-out path, paid once per event whatever the number of subscribers.</summary>
[MemoryDiagnoser]
[Config(typeof(PerEventConfig))]
public class SerializeAndFrameBenchmarks
{
    private MessageDto _message = null!;
    private byte[] _payload = null!;

    [GlobalSetup]
    public void Setup()
    {
        _message = SampleEvent.Message;
        _payload = GatewayEnvelope.Serialize(GatewayOpCode.Dispatch, GatewayEvents.MessageCreate, _message, TanagerJsonContext.Default.MessageDto);
    }

    [Benchmark]
    public byte[] Serialize() =>
        GatewayEnvelope.Serialize(GatewayOpCode.Dispatch, GatewayEvents.MessageCreate, _message, TanagerJsonContext.Default.MessageDto);

    [Benchmark]
    public ReadOnlyMemory<byte> Frame() => WebSocketTextFrameEncoder.Instance.Encode(_payload);

    [Benchmark]
    public ReadOnlyMemory<byte> SerializeAndFrame() =>
        WebSocketTextFrameEncoder.Instance.Encode(
            GatewayEnvelope.Serialize(GatewayOpCode.Dispatch, GatewayEvents.MessageCreate, _message, TanagerJsonContext.Default.MessageDto));

    /// <summary>The whole fixed cost of FanOutBenchmarks.Dispatch: serialize, wrap in an OutboundEvent, frame once.</summary>
    [Benchmark]
    public ReadOnlyMemory<byte> SerializeWrapAndFrame()
    {
        var payload = GatewayEnvelope.Serialize(GatewayOpCode.Dispatch, GatewayEvents.MessageCreate, _message, TanagerJsonContext.Default.MessageDto);
        return new OutboundEvent(SampleEvent.Header, payload).GetFrame(WebSocketTextFrameEncoder.Instance);
    }
}
