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

    private static readonly object NotSequenced = new();
    private object? _position;

    public ReadOnlyMemory<byte> Payload { get; } = payload;

    /// <summary>
    /// Where this event stands in its channel's change stream (events whose <c>d</c> has <c>channel_id</c> and
    /// <c>change_sequence</c>), or null for other events. Read from the bytes once per node, on first use.
    /// </summary>
    internal ChannelPosition? Position
    {
        get
        {
            var position = Volatile.Read(ref _position);
            if (position is null)
            {
                position = (object?)ChannelPosition.Read(Payload.Span) ?? NotSequenced;
                Volatile.Write(ref _position, position);
            }
            return position as ChannelPosition;
        }
    }

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
internal sealed record ChannelPosition(string WorkspaceId, string ChannelId, long Sequence)
{
    /// <summary>Reads <c>d.workspace_id</c>, <c>d.channel_id</c> and <c>d.change_sequence</c> of a DISPATCH envelope.</summary>
    public static ChannelPosition? Read(ReadOnlySpan<byte> envelope)
    {
        try
        {
            var reader = new Utf8JsonReader(envelope);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("d"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return null;
                }
                string? workspace = null, channel = null;
                long? sequence = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var field = reader.ValueTextEquals("channel_id"u8) ? 1 : reader.ValueTextEquals("workspace_id"u8) ? 2 : reader.ValueTextEquals("change_sequence"u8) ? 3 : 0;
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
                        default:
                            reader.Skip();
                            break;
                    }
                }
                return sequence is > 0 && workspace is not null && channel is not null && Ulid.TryParse(workspace, out _) && Ulid.TryParse(channel, out _) ? new ChannelPosition(workspace, channel, sequence.Value) : null;
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
