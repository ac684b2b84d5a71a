using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// One channel as one connection follows it: the listener of the channel's subject for that connection. Live events
/// arrive under the subject's fan-out lock, one at a time and in order; <see cref="ChannelOrder{T}"/> decides what to send;
/// catch-ups from the store and gap timers take the same lock, so a channel's events never need another.
/// </summary>
internal sealed class ChannelStream : ISubjectListener, IChannelOrderSink<ReadOnlyMemory<byte>>
{
    /// <summary>A replay that cannot place a single event for this long means a reader that stopped reading.</summary>
    private static readonly TimeSpan ReplayStallLimit = TimeSpan.FromSeconds(30);

    private readonly GatewaySession _session;
    private readonly GatewayHub _hub;
    private readonly IGatewayConnection _connection;
    private readonly ISequencedGatewayConnection? _sequenced;
    private readonly IFrameEncoder _encoder;
    private readonly Ulid _userId;
    /// <summary>Mutated in place (a struct): only ever used as this field, under the gate.</summary>
    private ChannelOrder<ReadOnlyMemory<byte>> _order;
    /// <summary>Stands in for the subject's lock until subscribed: only the subscribing session touches a stream before that.</summary>
    private static readonly Lock Unsubscribed = new();

    /// <summary>The subject's fan-out lock, known once subscribed.</summary>
    private Lock _gate = Unsubscribed;
    private bool _closed;
    private string? _key;

    public ChannelStream(GatewaySession session, GatewayHub hub, IGatewayConnection connection, Ulid workspaceId, Ulid channelId)
    {
        _session = session;
        _hub = hub;
        _connection = connection;
        _sequenced = connection as ISequencedGatewayConnection;
        _encoder = connection.Encoder;
        _userId = session.UserKey;
        WorkspaceId = workspaceId;
        ChannelId = channelId;
        _order = new ChannelOrder<ReadOnlyMemory<byte>>(hub.Options.ReplayLimit);
    }

    public Ulid WorkspaceId { get; }
    public Ulid ChannelId { get; }
    /// <summary>
    /// The channel id as the client sees it (SSE positions, resume, replays): made when first needed, since a WebSocket
    /// connection that never resumes or replays never needs it (a user follows many channels; each string is ~74 B).
    /// </summary>
    public string Key => _key ??= ChannelId.ToString();

    /// <summary>The channel's subject, made for the (un)subscribe that needs it rather than kept for the stream's life.</summary>
    private string Subject => Subjects.Channel(WorkspaceId, ChannelId);

    public ValueTask SubscribeAsync(CancellationToken cancellationToken) => _hub.FanOut.AddAsync(Subject, this, cancellationToken);

    /// <summary>Takes the subject's lock over from the placeholder, after whoever holds the placeholder is done.</summary>
    void ISubjectListener.Attached(Lock gate)
    {
        lock (Unsubscribed)
        {
            Volatile.Write(ref _gate, gate);
        }
    }

    /// <summary>Enters the lock this stream's order is guarded by: the placeholder until attached, then the subject's.</summary>
    private Lock EnterGate()
    {
        while (true)
        {
            var gate = Volatile.Read(ref _gate);
            gate.Enter();
            if (gate == Volatile.Read(ref _gate))
            {
                return gate;
            }
            gate.Exit();
        }
    }

    public async ValueTask UnsubscribeAsync()
    {
        var gate = EnterGate();
        try
        {
            _closed = true;
        }
        finally
        {
            gate.Exit();
        }
        await _hub.FanOut.RemoveAsync(Subject, this);
    }

    /// <summary>Called by the fan-out under the subject's lock: the per-recipient hot path.</summary>
    public void Deliver(OutboundEvent outboundEvent)
    {
        var header = outboundEvent.Header;
        var sequence = header.Sequence;
        if (sequence > 0 && !header.HasExcept && _order.TryTakeNext(sequence))
        {
            // The common case, in line and nothing waiting: straight to the connection's queue.
            if (_sequenced is null)
            {
                _connection.TrySend(outboundEvent);
            }
            else
            {
                _sequenced.TrySend(outboundEvent.GetFrame(_encoder), Key, sequence);
            }
            return;
        }
        if (header.HasExcept && header.ExceptUserId == _userId)
        {
            return;
        }
        if (sequence > 0)
        {
            _order.Offer(sequence, outboundEvent.GetFrame(_encoder), this);
            return;
        }
        if (header.Control == SessionControl.ChannelLeft)
        {
            // The channel is gone (deleted): stop following it once this last word is out.
            _session.DeliverUnordered(outboundEvent);
            _session.Forget(this, deleted: true);
            return;
        }
        _session.DeliverUnordered(outboundEvent);
    }

    /// <summary>READY has been sent: starts at what the client has, replaying from the store if it is behind.</summary>
    public void Start(long delivered, bool behind)
    {
        var gate = EnterGate();
        try
        {
            if (!_closed)
            {
                _order.Start(delivered, behind, this);
            }
        }
        finally
        {
            gate.Exit();
        }
    }

    /// <summary>Starts reading what may have been missed (after a pub/sub outage).</summary>
    public void CatchUp()
    {
        var gate = EnterGate();
        try
        {
            if (!_closed)
            {
                _order.RequestFetch(this);
            }
        }
        finally
        {
            gate.Exit();
        }
    }

    void IChannelOrderSink<ReadOnlyMemory<byte>>.Send(ReadOnlyMemory<byte> item, long sequence) => _session.SendChange(item, Key, sequence);

    void IChannelOrderSink<ReadOnlyMemory<byte>>.StartFetch(long since) => _ = FetchAsync(since);

    void IChannelOrderSink<ReadOnlyMemory<byte>>.StartGapTimer() => _ = GapTimerAsync();

    private async Task GapTimerAsync()
    {
        await Task.Delay(_hub.Options.GapTimeout, _hub.Time);
        var gate = EnterGate();
        try
        {
            if (!_closed)
            {
                _order.GapTimedOut(this);
            }
        }
        finally
        {
            gate.Exit();
        }
    }

    /// <summary>
    /// Reads the changes after <paramref name="since"/> (shared with the node's other connections that need the same) and
    /// replays them, paced by the client: at most half the send queue at a time, then it waits for the writer to drain it,
    /// so that catching up never trips the slow-consumer limit by itself (a replay can be 1,000 large messages).
    /// </summary>
    private async Task FetchAsync(long since)
    {
        IReadOnlyList<Message> changes;
        long head;
        try
        {
            (changes, head) = await _hub.CatchUp.ReadAsync(WorkspaceId, ChannelId, since);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.CatchUpFailed(_hub.Logger, exception, _session.Id, Key);
            _session.Close(GatewayCloseCodes.InternalError, "Catching up failed; reconnect.");
            return;
        }
        var next = 0;
        var stalledSince = _hub.Now;
        while (true)
        {
            var gate = EnterGate();
            try
            {
                if (_closed)
                {
                    return;
                }
                var placed = next;
                while (next < changes.Count && HasRoom())
                {
                    var message = changes[next++];
                    _order.Replay(message.ChangeSequence, _connection.Encoder.Encode(ReplayPayload(message, since)), this);
                }
                if (next == changes.Count)
                {
                    _order.FetchCompleted(head, this);
                    return;
                }
                if (next > placed)
                {
                    stalledSince = _hub.Now;
                }
            }
            finally
            {
                gate.Exit();
            }
            if (_hub.Time.GetElapsedTime(stalledSince) > ReplayStallLimit)
            {
                _session.Close(GatewayCloseCodes.SlowConsumer, "Catching up stalled: events were not read in time.");
                return;
            }
            using var timeout = new CancellationTokenSource(ReplayStallLimit, _hub.Time);
            try
            {
                await _connection.WaitForRoomAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
            }
        }
    }

    /// <summary>The same bound <see cref="IGatewayConnection.WaitForRoomAsync"/> waits for: at most half the queue.</summary>
    private bool HasRoom() =>
        _connection.QueuedBytes <= _hub.Options.SendQueueBytes / 2 && _connection.QueuedFrames <= _hub.Options.SendQueueFrames / 2;

    /// <summary>A stored message as the event that brings a client at <paramref name="since"/> to its current state.</summary>
    private static byte[] ReplayPayload(Message message, long since)
    {
        var eventName = message.Sequence > since ? GatewayEvents.MessageCreate
            : message.DeletedAt is not null ? GatewayEvents.MessageDelete
            : GatewayEvents.MessageUpdate;
        return GatewayEnvelope.Serialize(GatewayOpCode.Dispatch, eventName, message.ToDto(), TanagerJsonContext.Default.MessageDto);
    }
}
