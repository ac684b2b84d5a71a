using System.Text.Json;
using NUlid;

namespace Tanager;

/// <summary>
/// One serialized event on its way to this node's subscribers. The frame for each transport is built on first use and
/// then handed, as the same bytes, to every recipient of that transport: one serialization, one framing per node.
/// </summary>
public sealed class OutboundEvent(ReadOnlyMemory<byte> payload)
{
    private Encoded? _first;
    private List<Encoded>? _others;

    private EventInfo? _info;

    public ReadOnlyMemory<byte> Payload { get; } = payload;

    /// <summary>The event's name and the channel it concerns, read from the bytes once per node, on first use.</summary>
    internal EventInfo Info
    {
        get
        {
            var info = Volatile.Read(ref _info);
            if (info is null)
            {
                info = EventInfo.Read(Payload.Span);
                Volatile.Write(ref _info, info);
            }
            return info;
        }
    }

    /// <summary>
    /// Where this event stands in its channel's change stream (events whose <c>d</c> has <c>channel_id</c> and
    /// <c>change_sequence</c>), or null for other events.
    /// </summary>
    internal ChannelPosition? Position => Info.Position;

    public ReadOnlyMemory<byte> GetFrame(IFrameEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var first = Volatile.Read(ref _first);
        if (first is not null && ReferenceEquals(first.Encoder, encoder))
        {
            return first.Frame;
        }
        if (first is null)
        {
            var encoded = new Encoded(encoder, encoder.Encode(Payload));
            first = Interlocked.CompareExchange(ref _first, encoded, null) ?? encoded;
            if (ReferenceEquals(first.Encoder, encoder))
            {
                return first.Frame;
            }
        }
        // A second transport on this node (say SSE beside WebSockets): rare, so a lock is fine here.
        lock (this)
        {
            _others ??= [];
            foreach (var other in _others)
            {
                if (ReferenceEquals(other.Encoder, encoder))
                {
                    return other.Frame;
                }
            }
            var encoded = new Encoded(encoder, encoder.Encode(Payload));
            _others.Add(encoded);
            return encoded.Frame;
        }
    }

    private sealed record Encoded(IFrameEncoder Encoder, ReadOnlyMemory<byte> Frame);
}

/// <summary>A channel change's place: the channel (and its workspace) and the change sequence it took.</summary>
internal sealed record ChannelPosition(string WorkspaceId, string ChannelId, long Sequence);

/// <summary>
/// What the gateway needs to know of an event without deserializing it: its name (<c>t</c>), the channel it concerns
/// (<c>d.channel_id</c>, or <c>d.id</c> for CHANNEL_* events, whose <c>d</c> is the channel) and, for channel changes,
/// their position.
/// </summary>
internal sealed record EventInfo(string? Type, string? ChannelId, ChannelPosition? Position)
{
    private static readonly EventInfo Unknown = new(null, null, null);

    public static EventInfo Read(ReadOnlySpan<byte> envelope)
    {
        try
        {
            var reader = new Utf8JsonReader(envelope);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Unknown;
            }
            string? type = null, workspace = null, channel = null, id = null;
            long? sequence = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("t"u8);
                var isData = reader.ValueTextEquals("d"u8);
                reader.Read();
                if (isType && reader.TokenType == JsonTokenType.String)
                {
                    type = reader.GetString();
                    continue;
                }
                if (!isData || reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var field = reader.ValueTextEquals("channel_id"u8) ? 1 : reader.ValueTextEquals("workspace_id"u8) ? 2 : reader.ValueTextEquals("change_sequence"u8) ? 3 : reader.ValueTextEquals("id"u8) ? 4 : 0;
                    reader.Read();
                    switch (field)
                    {
                        case 1 when reader.TokenType == JsonTokenType.String:
                            channel = reader.GetString();
                            break;
                        case 2 when reader.TokenType == JsonTokenType.String:
                            workspace = reader.GetString();
                            break;
                        case 3 when reader.TokenType == JsonTokenType.Number:
                            sequence = reader.GetInt64();
                            break;
                        case 4 when reader.TokenType == JsonTokenType.String:
                            id = reader.GetString();
                            break;
                        default:
                            reader.Skip();
                            break;
                    }
                }
            }
            if (channel is null && type is not null && type.StartsWith("CHANNEL_", StringComparison.Ordinal) && !type.StartsWith("CHANNEL_MEMBER", StringComparison.Ordinal))
            {
                channel = id;
            }
            var position = sequence is > 0 && workspace is not null && channel is not null && Ulid.TryParse(workspace, out _) && Ulid.TryParse(channel, out _)
                ? new ChannelPosition(workspace, channel, sequence.Value)
                : null;
            return new EventInfo(type, channel, position);
        }
        catch (JsonException)
        {
            return Unknown;
        }
    }
}
