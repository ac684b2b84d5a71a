using System.Text.Json;
using Microsoft.Extensions.Logging;
using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// One client connection's gateway state machine, whatever the transport: HELLO → IDENTIFY/RESUME → READY → DISPATCH…,
/// heartbeats, and the subjects the connection listens to. It holds transport state only: what to send is decided by
/// Core services (READY, TYPING) and by each event's header (audience, session controls).
/// </summary>
/// <remarks>
/// Channel changes (events with a change sequence) reach the client gap-free and in order per channel through one
/// <see cref="ChannelStream"/> per followed channel; see <see cref="ChannelOrder{T}"/>.
/// </remarks>
public sealed partial class GatewaySession : IAsyncDisposable
{
    private static readonly byte[] HeartbeatAck = GatewayEnvelope.Serialize(GatewayOpCode.HeartbeatAck);
    /// <summary>Client ops allowed in a burst, and refilled per second after it.</summary>
    private const double OpBurst = 120, OpsPerSecond = 2;
    /// <summary>TYPING is forwarded at most this often per channel; receivers keep the indicator <see cref="TypingLifetimeMs"/>.</summary>
    private static readonly TimeSpan TypingInterval = TimeSpan.FromSeconds(2.5);
    private const int TypingLifetimeMs = 5000;

    private readonly GatewayHub _hub;
    private readonly IGatewayConnection _connection;
    private readonly ISequencedGatewayConnection? _sequenced;
    private readonly Lock _gate = new();
    private bool _identifying;
    private bool _closed;
    private long _lastReceived;
    private double _opTokens = OpBurst;
    private long _opTokensAt;
    private Dictionary<Ulid, long>? _typingForwarded;
    private PresenceTracker.Connection? _presence;
    private Caller? _caller;
    /// <summary>Counted in <see cref="ConnectionCounts"/>: the address it was admitted from, the user once identified.</summary>
    private string? _admittedAddress;
    private Ulid? _countedUser;
    private int _released;

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

    /// <summary>The user's id once identified (default before): what the hot path compares an event's excepted user with.</summary>
    internal Ulid UserKey { get; private set; }
    internal long ConnectedAt { get; }

    /// <summary>Counts the connection against its address's limits; false when the address has too many.</summary>
    internal bool TryAdmit(string address)
    {
        if (!_hub.Counts.TryAdmit(address))
        {
            return false;
        }
        _admittedAddress = address;
        return true;
    }
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
        ChannelStream[] streams;
        lock (_gate)
        {
            _closed = true;
            subjects = [.. _subjects];
            _subjects.Clear();
            streams = [.. _streams.Values];
            _streams.Clear();
        }
        foreach (var stream in streams)
        {
            await stream.UnsubscribeAsync();
        }
        foreach (var subject in subjects)
        {
            await _hub.FanOut.RemoveAsync(subject, this);
        }
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _hub.Counts.Release(_admittedAddress, _countedUser);
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
        var identify = TryRead(frame, TanagerJsonContext.Default.IdentifyData);
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
        if (!_hub.Counts.TryIdentify(_admittedAddress, user.Id))
        {
            Close(GatewayCloseCodes.RateLimited, "Too many open connections for this account.");
            return;
        }
        _countedUser = user.Id;
        _caller = caller;
        _identifying = true;
        UserKey = user.Id;
        UserId = user.Id;
        lock (_gate)
        {
            _pending = [];
        }
        // Subscribe before reading state: anything that happens meanwhile waits (in _pending, or held by its channel's
        // stream) and follows READY.
        await SubscribeAsync(Subjects.User(user.Id), cancellationToken);
        var ready = await _hub.Connections.ReadyAsync(Id, user, new Follower(this), cancellationToken);
        Log.SessionIdentified(_hub.Logger, Id, user.Id.ToString());
        StartStreams(ready, lastSequences);
        if (ClientHeartbeats)
        {
            // One-way (SSE) readers are not someone at a keyboard: only interactive connections count for presence.
            _presence = await _hub.Presence.ConnectAsync(user.Id, [.. ready.Roles.Select(r => r.WorkspaceId)], cancellationToken);
        }
    }

    /// <summary>Sends READY, then starts every channel at what READY (or the resuming client) says, then what waited.</summary>
    private void StartStreams(ReadySnapshot ready, IReadOnlyDictionary<string, long>? lastSequences)
    {
        var starts = new List<(ChannelStream Stream, long Delivered, bool Behind)>();
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            foreach (var (workspaceId, role) in ready.Roles)
            {
                _roles[workspaceId] = role;
            }
            Send(GatewayEnvelope.Serialize(GatewayOpCode.Dispatch, GatewayEvents.Ready, ready.Data, TanagerJsonContext.Default.ReadyData));
            foreach (var stream in _streams.Values)
            {
                // READY was read after subscribing: its last_sequence is where live events take over. A client that
                // says where it stopped gets the changes in between from the store first. A channel joined while READY
                // was read, and missing from it, starts at its first event.
                if (!ready.Heads.TryGetValue(stream.ChannelId, out var head))
                {
                    starts.Add((stream, -1, false));
                    continue;
                }
                var seen = lastSequences is not null && lastSequences.TryGetValue(stream.Key, out var last) ? last : head;
                starts.Add((stream, Math.Min(seen, head), seen < head));
            }
            _streamsStarted = true;
            _sequenced?.SetPositions([.. starts.Where(s => s.Delivered >= 0).Select(s => KeyValuePair.Create(s.Stream.Key, s.Delivered))]);
        }
        foreach (var (stream, delivered, behind) in starts)
        {
            stream.Start(delivered, behind);
        }
        lock (_gate)
        {
            foreach (var pending in _pending!)
            {
                _connection.TrySend(pending.GetFrame(_connection.Encoder));
            }
            _pending = null;
            _ready = true;
        }
    }

    /// <summary>A channel change, in order: SSE labels it with the client's resume position.</summary>
    internal void SendChange(ReadOnlyMemory<byte> frame, string channelKey, long sequence)
    {
        if (_sequenced is not null)
        {
            _sequenced.TrySend(frame, channelKey, sequence);
        }
        else
        {
            _connection.TrySend(frame);
        }
    }

    private void Send(byte[] payload) => _connection.TrySend(_connection.Encoder.Encode(payload));

    /// <summary>Subscribes to the workspace and channel subjects while READY is read.</summary>
    private sealed class Follower(GatewaySession session) : IReadyFollower
    {
        public ValueTask FollowWorkspaceAsync(Ulid workspaceId, CancellationToken cancellationToken) =>
            session.SubscribeAsync(Subjects.Workspace(workspaceId), cancellationToken);

        public ValueTask FollowChannelAsync(Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken) =>
            session.FollowChannelAsync(workspaceId, channelId, started: false, cancellationToken);
    }
}
