using System.Text.Json;
using Microsoft.Extensions.Logging;
using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// One client connection's gateway state machine, whatever the transport: HELLO → IDENTIFY → READY → DISPATCH…,
/// heartbeats, and the subjects the connection listens to.
/// </summary>
public sealed class GatewaySession : ISubjectListener, IAsyncDisposable
{
    private static readonly byte[] HeartbeatAck = GatewayEnvelope.Serialize(GatewayOpCode.HeartbeatAck);
    private static readonly byte[] InvalidSession = GatewayEnvelope.Serialize(GatewayOpCode.InvalidSession, null, false, TanagerJsonContext.Default.Boolean);

    private readonly GatewayHub _hub;
    private readonly IGatewayConnection _connection;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _subjects = new(StringComparer.Ordinal);
    /// <summary>Events that arrive while READY is being built; sent right after it so none is lost or reordered.</summary>
    private List<OutboundEvent>? _pending;
    private volatile bool _ready;
    private bool _identifying;
    private bool _closed;
    private string? _userSubject;
    private long _lastReceived;

    internal GatewaySession(GatewayHub hub, IGatewayConnection connection, long now)
    {
        _hub = hub;
        _connection = connection;
        ConnectedAt = now;
        _lastReceived = now;
    }

    public string Id { get; } = Ulid.NewUlid().ToString();
    public Ulid? UserId { get; private set; }
    public bool IsIdentified => UserId is not null;

    internal long ConnectedAt { get; }
    internal long LastReceived => Interlocked.Read(ref _lastReceived);

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
        switch (frame.Op)
        {
            case GatewayOpCode.Heartbeat:
                Send(HeartbeatAck);
                break;
            case GatewayOpCode.Identify:
                await IdentifyAsync(frame, cancellationToken);
                break;
            case GatewayOpCode.Resume:
                // Resuming a session is not offered yet: the client identifies again and catches up over REST.
                Send(InvalidSession);
                break;
            case GatewayOpCode.Dispatch or GatewayOpCode.Hello or GatewayOpCode.HeartbeatAck or GatewayOpCode.Reconnect or GatewayOpCode.InvalidSession or GatewayOpCode.Error:
                Close(GatewayCloseCodes.UnknownOp, $"Op {(int)frame.Op} is sent by the server only.");
                break;
            default:
                Close(GatewayCloseCodes.UnknownOp, $"Unknown op {(int)frame.Op}.");
                break;
        }
    }

    public void Deliver(string subject, OutboundEvent outboundEvent)
    {
        ArgumentNullException.ThrowIfNull(outboundEvent);
        if (ReferenceEquals(subject, _userSubject) || subject == _userSubject)
        {
            ObserveOwnMembership(outboundEvent.Payload);
        }
        if (!_ready)
        {
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
            }
        }
        _connection.TrySend(outboundEvent.GetFrame(_connection.Encoder));
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
        string[] subjects;
        lock (_gate)
        {
            _closed = true;
            subjects = [.. _subjects];
            _subjects.Clear();
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

    private async ValueTask IdentifyAsync(GatewayFrame frame, CancellationToken cancellationToken)
    {
        if (IsIdentified || _identifying)
        {
            Close(GatewayCloseCodes.AlreadyAuthenticated, "Already identified.");
            return;
        }
        IdentifyData? identify;
        try
        {
            identify = frame.D.ValueKind == JsonValueKind.Object ? frame.D.Deserialize(TanagerJsonContext.Default.IdentifyData) : null;
        }
        catch (JsonException)
        {
            identify = null;
        }
        if (identify is null)
        {
            Close(GatewayCloseCodes.DecodeError, "IDENTIFY needs d: {\"token\": \"…\"}.");
            return;
        }
        var user = await _hub.Accounts.AuthenticateAsync(identify.Token, cancellationToken);
        if (user is null)
        {
            Close(GatewayCloseCodes.AuthenticationFailed, "Invalid or expired token.");
            return;
        }
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
            foreach (var pending in _pending!)
            {
                _connection.TrySend(pending.GetFrame(_connection.Encoder));
            }
            _pending = null;
            _ready = true;
        }
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

    /// <summary>Follows the user's own joins and leaves, which arrive on the user subject, to listen to the right subjects.</summary>
    private void ObserveOwnMembership(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        if (!root.TryGetProperty("t"u8, out var type) || !root.TryGetProperty("d"u8, out var data))
        {
            return;
        }
        var self = UserId?.ToString();
        var eventName = type.GetString();
        var workspaceId = data.TryGetProperty("workspace_id"u8, out var ws) ? ws.GetString() : null;
        if (workspaceId is null || !Ulid.TryParse(workspaceId, out var workspace))
        {
            return;
        }
        switch (eventName)
        {
            case GatewayEvents.WorkspaceMemberAdd when data.TryGetProperty("user"u8, out var user) && user.TryGetProperty("id"u8, out var id) && id.GetString() == self:
                Track(SubscribeAsync(Subjects.Workspace(workspace), CancellationToken.None));
                break;
            case GatewayEvents.ChannelMemberAdd or GatewayEvents.ChannelMemberRemove
                when data.TryGetProperty("user_id"u8, out var userId) && userId.GetString() == self
                    && data.TryGetProperty("channel_id"u8, out var ch) && Ulid.TryParse(ch.GetString(), out var channel):
                var subject = Subjects.Channel(workspace, channel);
                Track(eventName == GatewayEvents.ChannelMemberAdd ? SubscribeAsync(subject, CancellationToken.None) : UnsubscribeAsync(subject));
                break;
        }
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
}
