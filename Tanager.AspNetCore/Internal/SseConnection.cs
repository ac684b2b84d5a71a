using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

/// <summary>
/// One <c>text/event-stream</c> response as a gateway connection: the transports' shared bounded
/// <see cref="OutboundFrameQueue"/> of pre-built SSE records and one writer that drains it. Each channel change is
/// labelled (<c>id:</c>) with the client's position in every channel it follows, which the browser sends back as
/// <c>Last-Event-ID</c> when it reconnects.
/// </summary>
internal sealed class SseConnection : ISequencedGatewayConnection
{
    /// <summary>Proxies close idle responses; a comment line every 15 s keeps the stream open and detects dead peers.</summary>
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);
    private static readonly byte[] KeepAlive = ": keep-alive\n\n"u8.ToArray();

    private readonly OutboundFrameQueue _queue;
    /// <summary>The client's position per channel; written under the session's lock, in delivery order.</summary>
    private readonly Dictionary<string, long> _positions = new(StringComparer.Ordinal);
    private int _closing;
    /// <summary>1 when the writer flushed something since the last keep-alive tick: a busy stream needs no keep-alive.</summary>
    private int _wroteSinceTick;

    public SseConnection(GatewayOptions options)
    {
        _queue = new OutboundFrameQueue(options.SendQueueBytes, options.SendQueueFrames);
    }

    public IFrameEncoder Encoder => SseFrameEncoder.Instance;

    public long QueuedBytes => _queue.QueuedBytes;

    public int QueuedFrames => _queue.QueuedFrames;

    /// <summary>Why the stream ended, when the server ended it.</summary>
    public (int Code, string Reason)? ClosedWith { get; private set; }

    public void SetPositions(IReadOnlyCollection<KeyValuePair<string, long>> positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        foreach (var (channelId, sequence) in positions)
        {
            _positions[channelId] = sequence;
        }
        // A record with only an id sets EventSource's last event id without dispatching an event (WHATWG "dispatch the
        // event", step 1): a client dropped before the first channel change still resumes from READY's positions.
        TrySend(Encoding.ASCII.GetBytes(IdLine() + "\n"));
    }

    public bool TrySend(ReadOnlyMemory<byte> frame, string channelId, long sequence)
    {
        _positions[channelId] = sequence;
        // One array per delivery (the record itself): the id line is written into it directly.
        var idLength = IdLineLength();
        var record = GC.AllocateUninitializedArray<byte>(idLength + frame.Length);
        WriteIdLine(record);
        frame.Span.CopyTo(record.AsSpan(idLength));
        return TrySend(record);
    }

    private string IdLine()
    {
        var id = new StringBuilder("id: ", 8 + (_positions.Count * 32));
        EventIds.Write(id, _positions);
        return id.Append('\n').ToString();
    }

    /// <summary>Bytes of <c>id: {EventIds}\n</c> for the current positions (channel ids are ULIDs: ASCII).</summary>
    private int IdLineLength()
    {
        Span<byte> digits = stackalloc byte[20];
        var length = "id: \n".Length + Math.Max(0, _positions.Count - 1);
        foreach (var (channelId, sequence) in _positions)
        {
            sequence.TryFormat(digits, out var written, provider: CultureInfo.InvariantCulture);
            length += channelId.Length + 1 + written;
        }
        return length;
    }

    /// <summary>Writes what <see cref="IdLine"/> returns, as ASCII, into <paramref name="destination"/>.</summary>
    private void WriteIdLine(Span<byte> destination)
    {
        "id: "u8.CopyTo(destination);
        var at = 4;
        var first = true;
        foreach (var (channelId, sequence) in _positions)
        {
            if (!first)
            {
                destination[at++] = (byte)',';
            }
            first = false;
            at += Encoding.ASCII.GetBytes(channelId, destination[at..]);
            destination[at++] = (byte)':';
            sequence.TryFormat(destination[at..], out var written, provider: CultureInfo.InvariantCulture);
            at += written;
        }
        destination[at] = (byte)'\n';
    }

    public bool TrySend(ReadOnlyMemory<byte> frame)
    {
        if (Volatile.Read(ref _closing) != 0)
        {
            return false;
        }
        switch (_queue.TryEnqueue(frame))
        {
            case OutboundEnqueueResult.Queued:
                return true;
            case OutboundEnqueueResult.Full:
                // The client resumes from its last event id, so dropping it loses nothing.
                Close(GatewayCloseCodes.SlowConsumer, "Slow consumer: events were not read in time.");
                return false;
            default:
                return false;
        }
    }

    public ValueTask WaitForRoomAsync(CancellationToken cancellationToken) => _queue.WaitForRoomAsync(cancellationToken);

    /// <summary>Ends the stream after what is queued, with a final <c>event: close</c> record giving the code and reason.</summary>
    public void Close(int code, string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }
        ClosedWith = (code, reason);
        if (code == GatewayCloseCodes.SlowConsumer)
        {
            // Do not queue behind the backlog that made it slow: end as soon as the writer notices.
            _queue.Complete(discardBacklog: true);
            return;
        }
        var close = SseFrameEncoder.Record("CLOSE", writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("code"u8, code);
            writer.WriteString("reason"u8, reason);
            writer.WriteEndObject();
        });
        // Past the limits on purpose: the close record is what tells the client to come back.
        _queue.TryEnqueueFinal(close);
    }

    /// <summary>Writes queued records until the stream is closed or the client goes away.</summary>
    public async Task RunWriterAsync(PipeWriter output, TimeProvider time, CancellationToken cancellationToken)
    {
        // The writer parks on the queue without a token: the request going away completes the queue instead.
        using var aborted = cancellationToken.UnsafeRegister(static state => ((SseConnection)state!).Abort(), this);
        await using var keepAlive = time.CreateTimer(static state => ((SseConnection)state!).OnKeepAliveTick(), this, KeepAliveInterval, KeepAliveInterval);
        try
        {
            while (await _queue.WaitToReadAsync())
            {
                if (_queue.IsDiscarding)
                {
                    return;
                }
                var released = 0L;
                var frames = 0;
                while (_queue.TryDequeue(out var record))
                {
                    output.Write(record.Span);
                    released += record.Length;
                    frames++;
                }
                _queue.Release(released, frames);
                Volatile.Write(ref _wroteSinceTick, 1);
                var flush = await output.FlushAsync(cancellationToken);
                if (flush.IsCanceled || flush.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Abort();
            _queue.Clear();
        }
    }

    /// <summary>The stream is over (the client went away or the writer stopped): accept nothing more.</summary>
    private void Abort()
    {
        Interlocked.Exchange(ref _closing, 1);
        _queue.Complete(discardBacklog: true);
    }

    private void OnKeepAliveTick()
    {
        if (Interlocked.Exchange(ref _wroteSinceTick, 0) == 0)
        {
            TrySend(KeepAlive);
        }
    }
}

/// <summary>Frames a gateway envelope as one SSE record: <c>event: {t}</c> and <c>data: {d}</c>.</summary>
internal sealed class SseFrameEncoder : IFrameEncoder
{
    public static readonly SseFrameEncoder Instance = new();

    public ReadOnlyMemory<byte> Encode(ReadOnlyMemory<byte> payload)
    {
        var frame = GatewayEnvelope.Parse(payload.Span);
        var name = frame.T ?? frame.Op.ToString().ToUpperInvariant() switch
        {
            "HEARTBEATACK" => "HEARTBEAT_ACK",
            "INVALIDSESSION" => "INVALID_SESSION",
            var other => other,
        };
        return Record(name, writer =>
        {
            if (frame.D.ValueKind == JsonValueKind.Undefined)
            {
                writer.WriteNullValue();
            }
            else
            {
                frame.D.WriteTo(writer);
            }
        });
    }

    /// <summary>
    /// <c>event: name\ndata: json\n\n</c>. The JSON writer escapes control characters inside strings, so the data is one
    /// line, as SSE needs.
    /// </summary>
    public static byte[] Record(string name, Action<Utf8JsonWriter> writeData)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write("event: "u8);
        buffer.Write(Encoding.ASCII.GetBytes(name));
        buffer.Write("\ndata: "u8);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writeData(writer);
        }
        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>
/// The SSE event id: every followed channel's position, <c>channel:sequence</c> pairs joined by commas. Channel ids are
/// ULIDs, so neither separator can occur inside one.
/// </summary>
internal static class EventIds
{
    public static void Write(StringBuilder output, IReadOnlyDictionary<string, long> positions)
    {
        var first = true;
        foreach (var (channelId, sequence) in positions)
        {
            if (!first)
            {
                output.Append(',');
            }
            first = false;
            output.Append(channelId).Append(':').Append(sequence.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Reads an id written by <see cref="Write"/>; null when it is not one.</summary>
    public static Dictionary<string, long>? TryParse(string value)
    {
        var positions = new Dictionary<string, long>(StringComparer.Ordinal);
        if (value.Length == 0)
        {
            return positions;
        }
        foreach (var pair in value.Split(','))
        {
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0
                || !NUlid.Ulid.TryParse(pair[..colon], out var channel)
                || !long.TryParse(pair.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
                || !positions.TryAdd(channel.ToString(), sequence))
            {
                return null;
            }
        }
        return positions;
    }
}
