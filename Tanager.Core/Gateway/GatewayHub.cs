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
    private readonly IWorkspaceStore _workspaces;
    private readonly IChannelStore _channels;
    private readonly IMessageStore _messages;
    private readonly IReadStateStore _readStates;
    private readonly IPubSub _pubSub;
    private readonly TimeProvider _time;
    /// <summary>Bounds the store reads of catch-ups, so that a pub/sub outage on a busy node does not stampede the store.</summary>
    private readonly SemaphoreSlim _catchUpSlots = new(8, 8);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sweeper;
    private IAsyncDisposable? _resync;
    private volatile bool _draining;

    public GatewayHub(AccountService accounts, IWorkspaceStore workspaces, IChannelStore channels, IMessageStore messages, IReadStateStore readStates, IPubSub pubSub, FanOut fanOut, PresenceTracker presence, EventDispatcher events, IOptions<TanagerOptions> options, TimeProvider time, ILogger<GatewayHub> logger)
    {
        Presence = presence;
        Events = events;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pubSub);
        Accounts = accounts;
        _workspaces = workspaces;
        _channels = channels;
        _messages = messages;
        _readStates = readStates;
        _pubSub = pubSub;
        _pubSub.DeliveriesLost += OnDeliveriesLost;
        FanOut = fanOut;
        Options = options.Value.Gateway;
        _time = time;
        Logger = logger;
        _sweeper = SweepAsync(_stop.Token);
    }

    public int SessionCount => _sessions.Count;
    public bool IsDraining => _draining;

    internal AccountService Accounts { get; }
    internal PresenceTracker Presence { get; }
    internal EventDispatcher Events { get; }
    internal IChannelStore Channels => _channels;
    internal FanOut FanOut { get; }
    internal GatewayOptions Options { get; }
    internal ILogger Logger { get; }
    internal long Now => _time.GetTimestamp();
    internal TimeProvider Time => _time;

    /// <summary>
    /// Starts a session on a new connection. A two-way transport (<paramref name="clientHeartbeats"/>) gets HELLO and must
    /// IDENTIFY and heartbeat; a one-way transport (SSE) calls <see cref="GatewaySession.StartAsync"/> itself. The
    /// transport disposes the session when the connection ends.
    /// </summary>
    public GatewaySession Connect(IGatewayConnection connection, bool clientHeartbeats = true)
    {
        var session = new GatewaySession(this, connection, Now, clientHeartbeats);
        _sessions.TryAdd(session, 0);
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

    internal void Remove(GatewaySession session) => _sessions.TryRemove(session, out _);

    /// <summary>
    /// The stored changes of a channel after <paramref name="since"/>, and the channel's head: the change sequence up to
    /// which the returned messages are its whole current state. At most <see cref="GatewayOptions.ReplayLimit"/> (the newest).
    /// </summary>
    internal async Task<(IReadOnlyList<Message> Changes, long Head)> ReadChangesAsync(Ulid workspaceId, Ulid channelId, long since)
    {
        var cancellationToken = _stop.Token;
        await _catchUpSlots.WaitAsync(cancellationToken);
        try
        {
            // The head is read first: every change up to it is committed, so the rows read next include its effect.
            var channel = await _channels.GetAsync(workspaceId, channelId, cancellationToken);
            if (channel is null)
            {
                return ([], since);
            }
            var head = channel.LastSequence;
            var from = Math.Max(since, head - Options.ReplayLimit);
            var changes = new List<Message>();
            while (from < head)
            {
                var page = await _messages.ListChangesAsync(workspaceId, channelId, from, 500, cancellationToken);
                changes.AddRange(page.Messages);
                if (!page.HasMore || page.Messages.Count == 0)
                {
                    break;
                }
                from = page.Messages[^1].ChangeSequence;
            }
            return (changes, Math.Max(head, since));
        }
        finally
        {
            _catchUpSlots.Release();
        }
    }

    /// <summary>Starts listening for other nodes' word that events may have been lost.</summary>
    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        var self = Encoding.UTF8.GetBytes(Presence.NodeId);
        _resync = await _pubSub.SubscribeAsync(Subjects.Resync, (_, payload) =>
        {
            if (!payload.Span.SequenceEqual(self))
            {
                CatchUpAll();
            }
        }, cancellationToken);
    }

    private void OnDeliveriesLost(object? sender, EventArgs e)
    {
        CatchUpAll();
        // A publish this node could not make, or one lost on its link to the broker, is missing on the other nodes too.
        _ = TellOtherNodesAsync();
    }

    private async Task TellOtherNodesAsync()
    {
        try
        {
            await _pubSub.PublishAsync(Subjects.Resync, Encoding.UTF8.GetBytes(Presence.NodeId), _stop.Token);
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

    /// <summary>
    /// Builds READY, calling <paramref name="subscribe"/> for each workspace and channel subject before reading the state
    /// READY reports, so that no change falls between the snapshot and the subscription.
    /// </summary>
    internal async Task<ReadyData> BuildReadyAsync(string sessionId, User user, Func<string, ValueTask> subscribe, CancellationToken cancellationToken)
    {
        var workspaces = new List<ReadyWorkspace>();
        foreach (var (workspace, member) in await _workspaces.ListForUserAsync(user.Id, cancellationToken))
        {
            await subscribe(Subjects.Workspace(workspace.Id));
            var memberships = await _channels.ListMembershipsAsync(workspace.Id, user.Id, cancellationToken);
            foreach (var channelId in memberships)
            {
                await subscribe(Subjects.Channel(workspace.Id, channelId));
            }
            var readStates = memberships.Count == 0 ? [] : (await _readStates.GetReadStatesAsync(workspace.Id, user.Id, [.. memberships], cancellationToken)).ToDictionary(s => s.ChannelId);
            var channels = (await _channels.ListAsync(workspace.Id, cancellationToken))
                .Where(c => memberships.Contains(c.Id))
                .Select(c => c.ToDto(isMember: true).WithReadState(readStates.GetValueOrDefault(c.Id)))
                .ToList();
            workspaces.Add(new ReadyWorkspace { Workspace = workspace.ToDto(member), Channels = channels, Presences = Presence.Snapshot(workspace.Id) });
        }
        return new ReadyData { SessionId = sessionId, User = user.ToDto(includeEmail: true), Workspaces = workspaces };
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
