using System.Text.Json;
using Tanager.Protocol;

namespace Tanager.LoadTest;

/// <summary>The gateway's opening on a <see cref="RawSocket"/>: HELLO, then IDENTIFY or RESUME, then READY.</summary>
internal static class GatewayHandshake
{
    // IDENTIFY is answered by READY; a few other frames (heartbeat acks, dispatches) may come first.
    private const int MaxFramesBeforeReady = 16;

    /// <summary>
    /// Heartbeat earlier than asked: the load generator shares 2 cores with the server, so timers can fire late under
    /// saturation, and a missed heartbeat would close the connection and show up as lost deliveries.
    /// </summary>
    public const double HeartbeatSafetyFactor = 0.75;

    public static ReadOnlyMemory<byte> Heartbeat { get; } = GatewayEnvelope.Serialize(GatewayOpCode.Heartbeat);

    /// <summary>
    /// Reads HELLO and identifies with <paramref name="token"/>: with IDENTIFY when <paramref name="resumeFrom"/> is
    /// null, else with RESUME and those last sequences per channel, so the server replays what came after them. Returns
    /// HELLO's heartbeat interval, and READY's data for a RESUME (a subscriber's READY is not parsed: 10 000 of them
    /// would only cost the load tool CPU while connecting).
    /// </summary>
    public static async Task<(TimeSpan HeartbeatInterval, ReadyData? Ready)> IdentifyAsync(
        RawSocket socket, string token, IReadOnlyDictionary<string, long>? resumeFrom, CancellationToken cancellationToken)
    {
        var hello = await ReceiveFrameAsync(socket, cancellationToken);
        if (hello.Op != GatewayOpCode.Hello)
        {
            throw new InvalidOperationException($"Expected HELLO, got op {(int)hello.Op}.");
        }
        var interval = TimeSpan.FromMilliseconds(hello.D.Deserialize(TanagerJsonContext.Default.HelloData)!.HeartbeatIntervalMs);

        var op = resumeFrom is null ? GatewayOpCode.Identify : GatewayOpCode.Resume;
        var identify = GatewayEnvelope.Serialize(op, null, new IdentifyData { Token = token, LastSequences = resumeFrom }, TanagerJsonContext.Default.IdentifyData);
        await socket.SendAsync(identify, cancellationToken);
        for (var i = 0; ; i++)
        {
            var frame = await ReceiveFrameAsync(socket, cancellationToken);
            if (frame.Op == GatewayOpCode.Dispatch && frame.T == GatewayEvents.Ready)
            {
                return (interval, resumeFrom is null ? null : frame.D.Deserialize(TanagerJsonContext.Default.ReadyData));
            }
            if (frame.Op == GatewayOpCode.Error || i >= MaxFramesBeforeReady)
            {
                throw new InvalidOperationException($"{op} was not answered by READY: op {(int)frame.Op} {frame.T} {frame.D}");
            }
        }
    }

    /// <summary>Reads and parses one envelope; throws when the gateway closed the connection or sent something else.</summary>
    public static async Task<GatewayFrame> ReceiveFrameAsync(RawSocket socket, CancellationToken cancellationToken)
    {
        var message = await socket.ReceiveAsync(cancellationToken)
            ?? throw new InvalidOperationException($"The gateway closed the connection: {socket.CloseStatus} {socket.CloseStatusDescription}");
        try
        {
            return GatewayEnvelope.Parse(message.Span);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException("The gateway sent a frame that is not a gateway envelope.", ex);
        }
    }
}
