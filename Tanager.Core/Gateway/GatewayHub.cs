using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// This node's gateway: creates sessions for transports, closes silent ones, and drains them all on shutdown.
/// </summary>
public sealed class GatewayHub : IAsyncDisposable
{
    private readonly ConcurrentDictionary<GatewaySession, byte> _sessions = new();
    private readonly IPubSub _pubSub;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sweeper;
    private IAsyncDisposable? _resync;
    private volatile bool _draining;

    public GatewayHub(AccountService accounts, ConnectionService connections, IPubSub pubSub, FanOut fanOut, PresenceTracker presence, IOptions<TanagerOptions> options, TimeProvider time, ILogger<GatewayHub> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pubSub);
        Presence = presence;
        Accounts = accounts;
        Connections = connections;
        CatchUp = new SharedCatchUp(connections, _stop.Token);
        _pubSub = pubSub;
        _pubSub.DeliveriesLost += OnDeliveriesLost;
        FanOut = fanOut;
        Options = options.Value.Gateway;
        Counts = new ConnectionCounts(options.Value.RateLimits);
        _time = time;
        Logger = logger;
        _sweeper = SweepAsync(_stop.Token);
    }

    public int SessionCount => _sessions.Count;

    /// <summary>Whether a connection from <paramref name="clientAddress"/> would be admitted now, so a transport can answer 429 before upgrading.</summary>
    public bool HasRoomFor(string? clientAddress) => Counts.HasRoom(clientAddress);
    public bool IsDraining => _draining;

    internal AccountService Accounts { get; }
    internal ConnectionService Connections { get; }
    internal SharedCatchUp CatchUp { get; }
    internal PresenceTracker Presence { get; }
    internal FanOut FanOut { get; }
    internal GatewayOptions Options { get; }
    internal ConnectionCounts Counts { get; }
    internal ILogger Logger { get; }
    internal long Now => _time.GetTimestamp();
    internal TimeProvider Time => _time;

    /// <summary>
    /// Starts a session on a new connection. A two-way transport (<paramref name="clientHeartbeats"/>) gets HELLO and must
    /// IDENTIFY and heartbeat; a one-way transport (SSE) calls <see cref="GatewaySession.StartAsync"/> itself. The
    /// transport disposes the session when the connection ends.
    /// </summary>
    public GatewaySession Connect(IGatewayConnection connection, bool clientHeartbeats = true) => ConnectFrom(null, connection, clientHeartbeats);

    /// <summary>
    /// Starts a session as <see cref="Connect(IGatewayConnection, bool)"/> does, counted against the limits of
    /// <paramref name="clientAddress"/> (<see cref="RateLimitOptions"/>): over them, the session is closed at once with
    /// 4008. Transports ask <see cref="HasRoomFor"/> first, to refuse before upgrading.
    /// </summary>
    public GatewaySession ConnectFrom(string? clientAddress, IGatewayConnection connection, bool clientHeartbeats = true)
    {
        var session = new GatewaySession(this, connection, Now, clientHeartbeats);
        if (_sessions.TryAdd(session, 0))
        {
            TanagerMetrics.Sessions.Add(1);
        }
        if (clientAddress is not null && !session.TryAdmit(clientAddress))
        {
            session.Close(GatewayCloseCodes.RateLimited, "Too many open connections from this address.");
            return session;
        }
        if (clientHeartbeats)
        {
            session.SendHello();
        }
        if (_draining)
        {
            session.Reconnect();
        }
        return session;
    }

    /// <summary>Sends RECONNECT to every session and waits until all have closed or <paramref name="timeout"/> passes.</summary>
    public async Task DrainAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        _draining = true;
        Log.Draining(Logger, _sessions.Count);
        foreach (var session in _sessions.Keys)
        {
            session.Reconnect();
        }
        var deadline = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
        while (!_sessions.IsEmpty && _time.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, CancellationToken.None);
        }
        if (!_sessions.IsEmpty)
        {
            Log.DrainIncomplete(Logger, _sessions.Count);
        }
    }

    internal IEnumerable<GatewaySession> Sessions => _sessions.Keys;

    internal void Remove(GatewaySession session)
    {
        if (_sessions.TryRemove(session, out _))
        {
            TanagerMetrics.Sessions.Add(-1);
        }
    }

    /// <summary>Starts listening for other nodes' word that events may have been lost.</summary>
    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        var self = Encoding.UTF8.GetBytes(Presence.NodeId);
        _resync = await _pubSub.SubscribeAsync(Subjects.Resync, (_, _, payload) =>
        {
            if (!payload.Span.SequenceEqual(self))
            {
                CatchUpAll();
            }
        }, cancellationToken);
    }

    private void OnDeliveriesLost(object? sender, EventArgs e)
    {
        TanagerMetrics.DeliveriesLost.Add(1);
        CatchUpAll();
        // A publish this node could not make, or one lost on its link to the broker, is missing on the other nodes too.
        _ = TellOtherNodesAsync();
    }

    private async Task TellOtherNodesAsync()
    {
        try
        {
            await _pubSub.PublishAsync(Subjects.Resync, EventHeader.NodeWord, Encoding.UTF8.GetBytes(Presence.NodeId), _stop.Token);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The pub/sub reports the failed publish as a new loss, which brings this back.
            Log.ResyncPublishFailed(Logger, exception);
        }
    }

    private void CatchUpAll()
    {
        Log.DeliveriesLost(Logger, _sessions.Count);
        foreach (var session in _sessions.Keys)
        {
            session.CatchUpAll();
        }
    }

    /// <summary>How often <see cref="SweepAsync"/> looks for silent connections: a timeout takes effect up to this much late.</summary>
    internal static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Once a second, closes connections that never identified or went silent (no frame for
    /// <see cref="GatewayOptions.HeartbeatTimeout"/>). A silent one is released at once, not when its transport closes.
    /// </summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(SweepPeriod, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = _time.GetTimestamp();
                foreach (var session in _sessions.Keys)
                {
                    if (!session.IsIdentified && _time.GetElapsedTime(session.ConnectedAt, now) > Options.IdentifyTimeout)
                    {
                        session.Close(GatewayCloseCodes.SessionTimedOut, "No IDENTIFY in time.");
                    }
                    else if (session.ClientHeartbeats && _time.GetElapsedTime(session.LastReceived, now) > Options.HeartbeatTimeout)
                    {
                        _ = ExpireAsync(session);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Ends a silent session without waiting for its transport: the user goes offline and the session stops receiving
    /// events now. A client process that stopped, or a network that dropped it without a FIN, never completes the close
    /// handshake, and waiting for that would keep the user online for the transport's close wait too.
    /// </summary>
    private async Task ExpireAsync(GatewaySession session)
    {
        try
        {
            await session.ExpireAsync();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The transport's own dispose, when the connection ends, tries the unsubscribes once more.
            Log.SubscriptionFailed(Logger, exception, session.Id);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _pubSub.DeliveriesLost -= OnDeliveriesLost;
        if (_resync is not null)
        {
            await _resync.DisposeAsync();
        }
        await _stop.CancelAsync();
        await _sweeper;
        _stop.Dispose();
    }
}
