using System.Text.Json;
using Microsoft.Extensions.Logging;
using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// One client connection's gateway state machine, whatever the transport: HELLO → IDENTIFY/RESUME → READY → DISPATCH…,
/// heartbeats, and the subjects the connection listens to.
/// </summary>
/// <remarks>
/// Channel changes (events with a <c>change_sequence</c>) reach the client gap-free and in order per channel: a
/// duplicate is dropped, an event that overtook a missing one waits (<see cref="GatewayOptions.GapTimeout"/>) and the
/// missing changes are then read from the store, and so is everything a resuming client or a pub/sub outage missed.
/// </remarks>
public sealed partial class GatewaySession : ISubjectListener, IAsyncDisposable
{
    private static readonly byte[] HeartbeatAck = GatewayEnvelope.Serialize(GatewayOpCode.HeartbeatAck);
    /// <summary>Client ops allowed in a burst, and refilled per second after it.</summary>
    private const double OpBurst = 120, OpsPerSecond = 2;
    /// <summary>TYPING is forwarded at most this often per channel; receivers keep the indicator <see cref="TypingLifetimeMs"/>.</summary>
    private static readonly TimeSpan TypingInterval = TimeSpan.FromSeconds(2.5);
    private const int TypingLifetimeMs = 5000;
    private static readonly TimeSpan ReplayPollInterval = TimeSpan.FromMilliseconds(20);
    /// <summary>A replay that cannot place a single event for this long means a reader that stopped reading.</summary>
    private static readonly TimeSpan ReplayStallLimit = TimeSpan.FromSeconds(30);

    private readonly GatewayHub _hub;
    private readonly IGatewayConnection _connection;
    private readonly ISequencedGatewayConnection? _sequenced;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _subjects = new(StringComparer.Ordinal);
    /// <summary>Per channel id: what the client has been sent. Guarded by <see cref="_gate"/>.</summary>
    private readonly Dictionary<string, ChannelStream> _streams = new(StringComparer.Ordinal);
    /// <summary>Events that arrive while READY is being built; delivered right after it so none is lost or reordered.</summary>
    private List<OutboundEvent>? _pending;
    private volatile bool _ready;
    private bool _identifying;
    private bool _closed;
    private string? _userSubject;
    private long _lastReceived;
    private double _opTokens = OpBurst;
    private long _opTokensAt;
    /// <summary>Channel ids the user is a member of. Guarded by <see cref="_gate"/>.</summary>
    private readonly HashSet<string> _memberChannels = new(StringComparer.Ordinal);
    /// <summary>Workspace subjects where the user is a guest: channel events there pass only for their own channels.</summary>
    private readonly HashSet<string> _guestWorkspaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _typingForwarded = new(StringComparer.Ordinal);
    private PresenceTracker.Connection? _presence;
    /// <summary>The session or token this connection signed in with: its revocation closes the connection.</summary>
    private string? _credentialId;
    private IReadOnlySet<string>? _scopes;

    internal GatewaySession(GatewayHub hub, IGatewayConnection connection, long now, bool clientHeartbeats)
    {
        _hub = hub;
        _connection = connection;
        _sequenced = connection as ISequencedGatewayConnection;
        ConnectedAt = now;
        _lastReceived = now;
        _opTokensAt = now;
        ClientHeartbeats = clientHeartbeats;
    }

    public string Id { get; } = Ulid.NewUlid().ToString();
    public Ulid? UserId { get; private set; }
    public bool IsIdentified => UserId is not null;

    internal long ConnectedAt { get; }
    internal long LastReceived => Interlocked.Read(ref _lastReceived);
    /// <summary>False for one-way transports (SSE): the sweeper then does not expect heartbeats.</summary>
    internal bool ClientHeartbeats { get; }

    /// <summary>Handles one complete client message (UTF-8 JSON). The transport calls this from one loop, in order.</summary>
    public async ValueTask ReceiveAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _lastReceived, _hub.Now);
        GatewayFrame frame;
        try
        {
            frame = GatewayEnvelope.Parse(message.Span);
        }
        catch (JsonException)
        {
            Close(GatewayCloseCodes.DecodeError, "Frame is not a gateway envelope.");
            return;
        }
        if (!TakeOpToken())
        {
            Close(GatewayCloseCodes.RateLimited, "Too many ops; slow down.");
            return;
        }
        switch (frame.Op)
        {
            case GatewayOpCode.Heartbeat:
                Send(HeartbeatAck);
                break;
            case GatewayOpCode.Identify or GatewayOpCode.Resume:
                await IdentifyAsync(frame, cancellationToken);
                break;
            case GatewayOpCode.PresenceUpdate or GatewayOpCode.Typing when !_ready:
                Close(GatewayCloseCodes.NotAuthenticated, "IDENTIFY first.");
                break;
            case GatewayOpCode.PresenceUpdate:
                await PresenceUpdateAsync(frame);
                break;
            case GatewayOpCode.Typing:
                await TypingAsync(frame, cancellationToken);
                break;
            case GatewayOpCode.Dispatch or GatewayOpCode.Hello or GatewayOpCode.HeartbeatAck or GatewayOpCode.Reconnect or GatewayOpCode.InvalidSession or GatewayOpCode.Error:
                Close(GatewayCloseCodes.UnknownOp, $"Op {(int)frame.Op} is sent by the server only.");
                break;
            default:
                Close(GatewayCloseCodes.UnknownOp, $"Unknown op {(int)frame.Op}.");
                break;
        }
    }

    /// <summary>
    /// Identifies a session without an IDENTIFY frame, for one-way transports (SSE) that authenticate with the request.
    /// Returns false, having closed the session, when the token is refused.
    /// </summary>
    public async ValueTask<bool> StartAsync(Caller caller, IReadOnlyDictionary<string, long>? lastSequences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await IdentifyAsync(caller, lastSequences, cancellationToken);
        return IsIdentified;
    }

    public void Deliver(string subject, OutboundEvent outboundEvent)
    {
        ArgumentNullException.ThrowIfNull(outboundEvent);
        if (ReferenceEquals(subject, _userSubject) || subject == _userSubject)
        {
            ObserveOwnMembership(outboundEvent.Payload);
        }
        var position = outboundEvent.Position;
        if (position is null && !Admit(subject, outboundEvent))
        {
            return;
        }
        if (_ready && position is null)
        {
            _connection.TrySend(outboundEvent.GetFrame(_connection.Encoder));
            return;
        }
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            if (_pending is not null)
            {
                if (_pending.Count >= _hub.Options.SendQueueFrames)
                {
                    Close(GatewayCloseCodes.SlowConsumer, "Too many events arrived before READY was sent.");
                    return;
                }
                _pending.Add(outboundEvent);
                return;
            }
            DeliverLocked(outboundEvent, position);
        }
    }

    /// <summary>
    /// Whether a non-sequenced event goes to this client: a guest gets channel events on the workspace subject only for
    /// channels they are in. Follows CHANNEL_DELETE too, whatever subject it came on.
    /// </summary>
    private bool Admit(string subject, OutboundEvent outboundEvent)
    {
        // Info is read once per node (Position already needed it), so this costs each recipient a field read.
        var info = outboundEvent.Info;
        if (_guestWorkspaces.Count == 0 && info.Type != GatewayEvents.ChannelDelete)
        {
            return true;
        }
        bool admitted;
        lock (_gate)
        {
            admitted = info.ChannelId is null || !_guestWorkspaces.Contains(subject) || _memberChannels.Contains(info.ChannelId);
        }
        if (info.Type == GatewayEvents.ChannelDelete && info.ChannelId is { } deleted)
        {
            ForgetChannel(deleted);
        }
        return admitted;
    }

    private void ForgetChannel(string channelId)
    {
        string? subject;
        lock (_gate)
        {
            _memberChannels.Remove(channelId);
            subject = _streams.Remove(channelId, out var stream) ? Subjects.Channel(stream.WorkspaceId, stream.ChannelUlid) : null;
        }
        if (subject is not null)
        {
            Track(UnsubscribeAsync(subject));
        }
    }

    private bool TakeOpToken()
    {
        var now = _hub.Now;
        _opTokens = Math.Min(OpBurst, _opTokens + (_hub.Time.GetElapsedTime(_opTokensAt, now).TotalSeconds * OpsPerSecond));
        _opTokensAt = now;
        if (_opTokens < 1)
        {
            return false;
        }
        _opTokens--;
        return true;
    }

    private async ValueTask PresenceUpdateAsync(GatewayFrame frame)
    {
        var data = TryRead(frame, TanagerJsonContext.Default.PresenceData);
        if (data is null || !PresenceTracker.TryParse(data.Status, out var status) || status == PresenceTracker.Status.Offline)
        {
            Close(GatewayCloseCodes.DecodeError, "PRESENCE_UPDATE needs d: {\"status\": \"online\" | \"away\" | \"dnd\"}.");
            return;
        }
        if (_presence is not null)
        {
            await _presence.ChooseAsync(status);
        }
    }

    private async ValueTask TypingAsync(GatewayFrame frame, CancellationToken cancellationToken)
    {
        var data = TryRead(frame, TanagerJsonContext.Default.TypingData);
        if (data is null || !Ulid.TryParse(data.WorkspaceId, out var workspaceId) || !Ulid.TryParse(data.ChannelId, out var channelId))
        {
            Close(GatewayCloseCodes.DecodeError, "TYPING needs d: {\"workspace_id\": \"…\", \"channel_id\": \"…\"}.");
            return;
        }
        if (_presence is not null)
        {
            await _presence.ActiveAsync();
        }
        var now = _hub.Now;
        var key = data.ChannelId;
        if (_typingForwarded.TryGetValue(key, out var last) && _hub.Time.GetElapsedTime(last, now) < TypingInterval)
        {
            // Renewals come every few seconds; receivers keep the indicator for 5 s, so forwarding more adds nothing.
            return;
        }
        if (!Scope.IsGranted(_scopes, Scope.MessagesWrite))
        {
            SendError(ErrorCodes.MissingScope, "TYPING needs a token with the messages:write scope.");
            return;
        }
        var access = await _hub.Channels.GetAccessAsync(workspaceId, channelId, UserId!.Value, cancellationToken);
        if (access is not { Channel: { } channel, IsMember: true } || !Permissions.Has(access.Role, channel, Permission.SendMessages))
        {
            SendError(ErrorCodes.NotFound, "No such channel, or you may not post in it.");
            return;
        }
        if (_typingForwarded.Count > 256)
        {
            _typingForwarded.Clear();
        }
        _typingForwarded[key] = now;
        var typing = new TypingData { WorkspaceId = data.WorkspaceId, ChannelId = data.ChannelId, UserId = UserId.Value.ToString(), ExpiresInMs = TypingLifetimeMs };
        await _hub.Events.DispatchAsync(Subjects.Channel(workspaceId, channelId), GatewayEvents.TypingStart, typing, TanagerJsonContext.Default.TypingData, cancellationToken);
    }

    private static T? TryRead<T>(GatewayFrame frame, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            return frame.D.ValueKind == JsonValueKind.Object ? frame.D.Deserialize(typeInfo) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void SendError(string code, string message) =>
        Send(GatewayEnvelope.Serialize(GatewayOpCode.Error, null, new ErrorData { Code = code, Message = message }, TanagerJsonContext.Default.ErrorData));

    /// <summary>Reads from the store whatever each followed channel may have missed (after a pub/sub outage).</summary>
    internal void CatchUpAll()
    {
        lock (_gate)
        {
            if (_closed || !_ready)
            {
                return;
            }
            foreach (var stream in _streams.Values)
            {
                StartFetchLocked(stream);
            }
        }
    }

    /// <summary>Tells the client to reconnect elsewhere and closes the connection; used when this node drains.</summary>
    public void Reconnect()
    {
        Send(GatewayEnvelope.Serialize(GatewayOpCode.Reconnect));
        Close(GatewayCloseCodes.GoingAway, "Server is shutting down; reconnect.");
    }

    internal void Close(int code, string reason)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            _closed = true;
        }
        Log.SessionClosed(_hub.Logger, Id, code, reason);
        _connection.Close(code, reason);
    }

    public async ValueTask DisposeAsync()
    {
        if (_presence is not null)
        {
            await _presence.DisposeAsync();
        }
        string[] subjects;
        lock (_gate)
        {
            _closed = true;
            subjects = [.. _subjects];
            _subjects.Clear();
            _streams.Clear();
        }
        foreach (var subject in subjects)
        {
            await _hub.FanOut.RemoveAsync(subject, this);
        }
        _hub.Remove(this);
    }

    internal void SendHello()
    {
        var hello = new HelloData { HeartbeatIntervalMs = (int)_hub.Options.HeartbeatInterval.TotalMilliseconds };
        Send(GatewayEnvelope.Serialize(GatewayOpCode.Hello, null, hello, TanagerJsonContext.Default.HelloData));
    }

    private ValueTask IdentifyAsync(GatewayFrame frame, CancellationToken cancellationToken)
    {
        IdentifyData? identify;
        try
        {
            identify = frame.D.ValueKind == JsonValueKind.Object ? frame.D.Deserialize(TanagerJsonContext.Default.IdentifyData) : null;
        }
        catch (JsonException)
        {
            identify = null;
        }
        if (identify is null || (identify.LastSequences?.Values.Any(sequence => sequence < 0) ?? false))
        {
            Close(GatewayCloseCodes.DecodeError, "IDENTIFY and RESUME need d: {\"token\": \"…\", \"last_sequences\": {\"channel id\": sequence ≥ 0}}.");
            return ValueTask.CompletedTask;
        }
        return IdentifyAsync(identify, cancellationToken);
    }

    private async ValueTask IdentifyAsync(IdentifyData identify, CancellationToken cancellationToken)
    {
        if (IsIdentified || _identifying)
        {
            Close(GatewayCloseCodes.AlreadyAuthenticated, "Already identified.");
            return;
        }
        Caller? caller;
        try
        {
            caller = await _hub.Accounts.AuthenticateAsync(identify.Token, use: CredentialUse.Connection, cancellationToken: cancellationToken);
        }
        catch (TanagerException exception)
        {
            // An API key without a user to act as: the gateway takes login sessions, bot tokens and tickets.
            Close(GatewayCloseCodes.AuthenticationFailed, exception.Message);
            return;
        }
        if (caller is null)
        {
            Close(GatewayCloseCodes.AuthenticationFailed, "Invalid or expired token.");
            return;
        }
        await IdentifyAsync(caller, identify.LastSequences, cancellationToken);
    }

    /// <summary>Starts the session for an authenticated caller: every connection (gateway or event stream) needs messages:read.</summary>
    private async ValueTask IdentifyAsync(Caller caller, IReadOnlyDictionary<string, long>? lastSequences, CancellationToken cancellationToken)
    {
        if (!Scope.IsGranted(caller.Scopes, Scope.MessagesRead))
        {
            Close(GatewayCloseCodes.AuthenticationFailed, "The token lacks the messages:read scope a connection needs.");
            return;
        }
        var user = caller.User;
        _credentialId = caller.CredentialId.ToString();
        _scopes = caller.Scopes;
        _identifying = true;
        UserId = user.Id;
        _userSubject = Subjects.User(user.Id);
        lock (_gate)
        {
            _pending = [];
        }
        // Subscribe before reading state: anything that happens meanwhile waits in _pending and follows READY.
        await SubscribeAsync(_userSubject, cancellationToken);
        var ready = await _hub.BuildReadyAsync(Id, user, subject => SubscribeAsync(subject, cancellationToken), cancellationToken);
        Log.SessionIdentified(_hub.Logger, Id, user.Id.ToString());
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            Send(GatewayEnvelope.Serialize(GatewayOpCode.Dispatch, GatewayEvents.Ready, ready, TanagerJsonContext.Default.ReadyData));
            var behind = new List<ChannelStream>();
            foreach (var channel in ready.Workspaces.SelectMany(w => w.Channels))
            {
                // READY was read after subscribing: its last_sequence is where live events take over. A client that
                // says where it stopped gets the changes in between from the store first.
                var stream = new ChannelStream(channel.WorkspaceId, channel.Id) { Delivered = channel.LastSequence };
                if (lastSequences is not null && lastSequences.TryGetValue(channel.Id, out var seen) && seen < channel.LastSequence)
                {
                    stream.Delivered = seen;
                    behind.Add(stream);
                }
                _streams[channel.Id] = stream;
                _memberChannels.Add(channel.Id);
            }
            foreach (var workspace in ready.Workspaces.Where(w => w.Workspace.Role == "guest"))
            {
                _guestWorkspaces.Add(Subjects.Workspace(Ulid.Parse(workspace.Workspace.Id)));
            }
            _sequenced?.SetPositions(_streams.Select(s => KeyValuePair.Create(s.Key, s.Value.Delivered)).ToList());
            foreach (var stream in behind)
            {
                StartFetchLocked(stream);
            }
            foreach (var pending in _pending!)
            {
                DeliverLocked(pending, pending.Position);
            }
            _pending = null;
            _ready = true;
        }
        if (ClientHeartbeats)
        {
            // One-way (SSE) readers are not someone at a keyboard: only interactive connections count for presence.
            _presence = await _hub.Presence.ConnectAsync(user.Id, [.. ready.Workspaces.Select(w => Ulid.Parse(w.Workspace.Id))], cancellationToken);
        }
    }

    private void DeliverLocked(OutboundEvent outboundEvent, ChannelPosition? position)
    {
        if (position is null)
        {
            _connection.TrySend(outboundEvent.GetFrame(_connection.Encoder));
            return;
        }
        if (!_streams.TryGetValue(position.ChannelId, out var stream))
        {
            // A channel joined during this connection: its history before this event is not news.
            stream = new ChannelStream(position.WorkspaceId, position.ChannelId) { Delivered = position.Sequence - 1 };
            _streams.Add(position.ChannelId, stream);
        }
        if (position.Sequence <= stream.Delivered)
        {
            return;
        }
        if (!stream.Fetching && position.Sequence == stream.Delivered + 1)
        {
            SendChange(stream, outboundEvent.GetFrame(_connection.Encoder), position.Sequence);
            ReleaseHeldLocked(stream);
            return;
        }
        stream.Held ??= [];
        if (stream.Held.Count >= _hub.Options.ReplayLimit)
        {
            // Too much waiting already: drop it and read it from the store with the rest.
            stream.FetchAgain = true;
            StartFetchLocked(stream);
            return;
        }
        stream.Held.TryAdd(position.Sequence, outboundEvent);
        if (!stream.Fetching && !stream.WaitingForGap)
        {
            stream.WaitingForGap = true;
            _ = WaitForGapAsync(stream);
        }
    }

    private void SendChange(ChannelStream stream, ReadOnlyMemory<byte> frame, long sequence)
    {
        stream.Delivered = sequence;
        if (_sequenced is not null)
        {
            _sequenced.TrySend(frame, stream.ChannelId, sequence);
        }
        else
        {
            _connection.TrySend(frame);
        }
    }

    /// <summary>Sends held events that are now next in line; drops those already covered.</summary>
    private void ReleaseHeldLocked(ChannelStream stream)
    {
        var held = stream.Held;
        while (held is { Count: > 0 })
        {
            var sequence = held.Keys[0];
            if (sequence > stream.Delivered + 1)
            {
                return;
            }
            var next = held.Values[0];
            held.RemoveAt(0);
            if (sequence == stream.Delivered + 1)
            {
                SendChange(stream, next.GetFrame(_connection.Encoder), sequence);
            }
        }
    }

    private async Task WaitForGapAsync(ChannelStream stream)
    {
        await Task.Delay(_hub.Options.GapTimeout, _hub.Time);
        lock (_gate)
        {
            stream.WaitingForGap = false;
            if (!_closed && stream.Held is { Count: > 0 })
            {
                StartFetchLocked(stream);
            }
        }
    }

    private void StartFetchLocked(ChannelStream stream)
    {
        if (stream.Fetching)
        {
            stream.FetchAgain = true;
            return;
        }
        stream.Fetching = true;
        stream.FetchAgain = false;
        _ = FetchAsync(stream, stream.Delivered);
    }

    /// <summary>Reads the changes after <paramref name="since"/> from the store and sends them, then what was held meanwhile.</summary>
    private async Task FetchAsync(ChannelStream stream, long since)
    {
        IReadOnlyList<Message> changes;
        long head;
        try
        {
            (changes, head) = await _hub.ReadChangesAsync(stream.WorkspaceId, stream.ChannelUlid, since);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.CatchUpFailed(_hub.Logger, exception, Id, stream.ChannelId);
            Close(GatewayCloseCodes.InternalError, "Catching up failed; reconnect.");
            return;
        }
        // A replay is paced by the client: it fills at most half the send queue, then waits for the writer to drain it,
        // so that catching up never trips the slow-consumer limit by itself (a replay can be 1,000 large messages).
        var next = 0;
        var stalledSince = _hub.Now;
        while (true)
        {
            lock (_gate)
            {
                if (_closed)
                {
                    stream.Fetching = false;
                    return;
                }
                var progressed = false;
                while (next < changes.Count && _connection.QueuedBytes < _hub.Options.SendQueueBytes / 2 && _connection.QueuedFrames < _hub.Options.SendQueueFrames / 2)
                {
                    var message = changes[next++];
                    if (message.ChangeSequence > stream.Delivered)
                    {
                        SendChange(stream, _connection.Encoder.Encode(ReplayPayload(message, since)), message.ChangeSequence);
                        progressed = true;
                    }
                }
                if (next == changes.Count)
                {
                    break;
                }
                if (progressed)
                {
                    stalledSince = _hub.Now;
                }
            }
            if (_hub.Time.GetElapsedTime(stalledSince) > ReplayStallLimit)
            {
                Close(GatewayCloseCodes.SlowConsumer, "Catching up stalled: events were not read in time.");
                return;
            }
            await Task.Delay(ReplayPollInterval, _hub.Time);
        }
        lock (_gate)
        {
            stream.Fetching = false;
            if (_closed)
            {
                return;
            }
            // The client now has the channel's whole state up to the head, even where a change left no row of its own.
            stream.Delivered = Math.Max(stream.Delivered, head);
            ReleaseHeldLocked(stream);
            if (stream.FetchAgain)
            {
                StartFetchLocked(stream);
            }
            else if (stream.Held is { Count: > 0 } && !stream.WaitingForGap)
            {
                stream.WaitingForGap = true;
                _ = WaitForGapAsync(stream);
            }
        }
    }

    /// <summary>A stored message as the event that brings a client at <paramref name="since"/> to its current state.</summary>
    private static byte[] ReplayPayload(Message message, long since)
    {
        var eventName = message.Sequence > since ? GatewayEvents.MessageCreate
            : message.DeletedAt is not null ? GatewayEvents.MessageDelete
            : GatewayEvents.MessageUpdate;
        return GatewayEnvelope.Serialize(GatewayOpCode.Dispatch, eventName, message.ToDto(), TanagerJsonContext.Default.MessageDto);
    }

    private async ValueTask SubscribeAsync(string subject, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_closed || !_subjects.Add(subject))
            {
                return;
            }
        }
        await _hub.FanOut.AddAsync(subject, this, cancellationToken);
    }

    private async ValueTask UnsubscribeAsync(string subject)
    {
        lock (_gate)
        {
            if (!_subjects.Remove(subject))
            {
                return;
            }
        }
        await _hub.FanOut.RemoveAsync(subject, this);
    }

    private void Track(ValueTask pending)
    {
        if (pending.IsCompletedSuccessfully)
        {
            return;
        }
        _ = ObserveAsync(pending.AsTask());

        async Task ObserveAsync(Task task)
        {
            try
            {
                await task;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Log.SubscriptionFailed(_hub.Logger, exception, Id);
                Close(GatewayCloseCodes.InternalError, "Subscription failed; reconnect.");
            }
        }
    }

    private void Send(byte[] payload) => _connection.TrySend(_connection.Encoder.Encode(payload));

    /// <summary>One channel's change stream as this client sees it.</summary>
    private sealed class ChannelStream(string workspaceId, string channelId)
    {
        public Ulid WorkspaceId { get; } = Ulid.Parse(workspaceId);
        public Ulid ChannelUlid { get; } = Ulid.Parse(channelId);
        public string ChannelId { get; } = channelId;
        /// <summary>The newest change sequence the client has been sent.</summary>
        public long Delivered { get; set; }
        /// <summary>Events that arrived ahead of a missing one, by change sequence.</summary>
        public SortedList<long, OutboundEvent>? Held { get; set; }
        /// <summary>A store read is running: live events wait in <see cref="Held"/> until it is sent.</summary>
        public bool Fetching { get; set; }
        /// <summary>An event was dropped, or a new outage happened, while reading: read once more afterwards.</summary>
        public bool FetchAgain { get; set; }
        public bool WaitingForGap { get; set; }
    }
}
