using System.Text.Json;
using Tanager.Protocol;

namespace Tanager.LoadTest;

/// <summary>A Tanager subscriber that <c>--stall-one</c> stopped for a measured phase.</summary>
internal sealed record StalledSubscriber(RawSocket Socket, SubscriberTracker Tracker, StallWatch Watch)
{
    public int Channel => Tracker.Channel;
}

/// <summary>The outcome of the completeness check after the stalled subscriber reconnected.</summary>
internal sealed record StallCheck(bool Complete, string Description);

/// <summary>
/// What one subscriber that may be stalled has read, as its client would know it: the load-test sequence of every
/// message (the publisher's own id for it, carried in the content) and the newest change sequence of its channel, the
/// position a client resumes from. Only a few subscribers carry one (one per measured phase), because it parses every
/// message frame in full. Written by the socket's one receive loop; read only after that loop has ended.
/// </summary>
internal sealed class StallWatch
{
    private readonly List<long> _beforeStall = [];
    private readonly List<long> _afterStall = [];

    /// <summary>The newest change sequence of the channel among the messages read, before the stall or after it.</summary>
    public long LastChangeSequence { get; private set; }

    /// <summary>Load-test sequences of the messages read before the stall, in the order read.</summary>
    public IReadOnlyList<long> BeforeStall => _beforeStall;

    /// <summary>Load-test sequences of the messages read once the stalled reader read again (what its socket still held).</summary>
    public IReadOnlyList<long> AfterStall => _afterStall;

    /// <summary>Set (once) when the subscriber is chosen, so no later phase picks it again.</summary>
    public bool Chosen { get; set; }

    public void OnFrame(ReadOnlySpan<byte> frame) => Read(frame, _beforeStall);

    public void OnFrameAfterStall(ReadOnlySpan<byte> frame) => Read(frame, _afterStall);

    private void Read(ReadOnlySpan<byte> frame, List<long> into)
    {
        if (MessageFrame.TryRead(frame, out var sequence, out var message))
        {
            into.Add(sequence);
            LastChangeSequence = Math.Max(LastChangeSequence, message.ChangeSequence);
        }
    }
}

/// <summary>Reads a MESSAGE_CREATE gateway frame that carries a load-test payload.</summary>
internal static class MessageFrame
{
    /// <summary>True for a MESSAGE_CREATE whose content is a load-test payload; gives its sequence and the message.</summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out long sequence, out MessageDto message)
    {
        message = null!;
        // The payload marker is a cheap filter: heartbeat acks, presence and READY frames never carry one.
        if (!Payload.TryParse(frame, out sequence, out _))
        {
            return false;
        }
        try
        {
            var parsed = GatewayEnvelope.Parse(frame);
            if (parsed.Op != GatewayOpCode.Dispatch || parsed.T != GatewayEvents.MessageCreate
                || parsed.D.Deserialize(TanagerJsonContext.Default.MessageDto) is not { } dto)
            {
                return false;
            }
            message = dto;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The load-test sequence of a message read over REST (its content is the payload).</summary>
    public static bool TryRead(MessageDto message, out long sequence) => Payload.TryParse(message.Content, out sequence, out _);
}
