using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// Presence across every connection of a user on every node. Each node tells the others, on <c>ws.{w}.presence</c> of
/// the user's workspaces, what its own connections of a user add up to, and repeats it every few seconds; a node's word
/// expires when it stops repeating it (a crashed node's users go offline within 30 s). Every node combines what it
/// hears, and when a user's combined status changes it sends PRESENCE_UPDATE to its own subscribers of the workspace.
/// </summary>
/// <remarks>Presence is ephemeral: never stored, and a lost update is corrected by the next repetition.</remarks>
public sealed partial class PresenceTracker : IAsyncDisposable
{
    /// <summary>How long a node's word about a user holds without being repeated.</summary>
    internal static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(24);
    private static readonly TimeSpan RepeatInterval = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(2);

    private readonly IPubSub _pubSub;
    private readonly FanOut _fanOut;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _idleTimeout;
    private readonly Lock _lock = new();
    private readonly Dictionary<Ulid, LocalUser> _local = [];
    private readonly Dictionary<Ulid, UserView> _users = [];
    private readonly Dictionary<Ulid, WorkspaceSubscription> _subscriptions = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sweeper;

    public PresenceTracker(IPubSub pubSub, FanOut fanOut, IOptions<TanagerOptions> options, TimeProvider time, ILogger<PresenceTracker> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pubSub = pubSub;
        _fanOut = fanOut;
        _time = time;
        _logger = logger;
        _idleTimeout = options.Value.Gateway.IdleTimeout;
        _sweeper = SweepAsync(_stop.Token);
    }

    /// <summary>This process's name among the nodes.</summary>
    public string NodeId { get; } = Ulid.NewUlid().ToString();

    /// <summary>A user's combined status as this node knows it: online, away, dnd or offline.</summary>
    public string StatusOf(Ulid userId)
    {
        lock (_lock)
        {
            return Name(_users.TryGetValue(userId, out var view) ? view.Announced : Status.Offline);
        }
    }

    /// <summary>
    /// Whether the user has a live connection: on this node, or on a node whose word this node hears (it hears the nodes
    /// that share a workspace subscription with it).
    /// </summary>
    internal bool IsConnected(Ulid userId)
    {
        lock (_lock)
        {
            return _local.ContainsKey(userId) || (_users.TryGetValue(userId, out var view) && view.Announced != Status.Offline);
        }
    }

    /// <summary>The members of <paramref name="workspaceId"/> who are not offline.</summary>
    internal IReadOnlyList<PresenceData> Snapshot(Ulid workspaceId)
    {
        var workspace = workspaceId.ToString();
        lock (_lock)
        {
            return [.. _users.Where(u => u.Value.Announced != Status.Offline && u.Value.Workspaces.Contains(workspaceId))
                .Select(u => new PresenceData { WorkspaceId = workspace, UserId = u.Key.ToString(), Status = Name(u.Value.Announced) })];
        }
    }

    /// <summary>Counts a new connection of <paramref name="userId"/>, online, until the returned handle is disposed.</summary>
    internal async ValueTask<Connection> ConnectAsync(Ulid userId, IReadOnlyCollection<Ulid> workspaces, CancellationToken cancellationToken)
    {
        foreach (var workspace in workspaces)
        {
            await SubscribeAsync(workspace, cancellationToken);
        }
        var connection = new Connection(this, userId, [.. workspaces], _time.GetTimestamp());
        lock (_lock)
        {
            if (!_local.TryGetValue(userId, out var local))
            {
                local = new LocalUser();
                _local.Add(userId, local);
            }
            local.Connections.Add(connection);
            local.Workspaces.UnionWith(workspaces);
        }
        await UpdateAsync(userId);
        return connection;
    }

    /// <summary>Recomputes what this node's connections of the user add up to; tells the other nodes if it changed.</summary>
    private async ValueTask UpdateAsync(Ulid userId, bool repeat = false)
    {
        Status status;
        Ulid[] workspaces;
        lock (_lock)
        {
            if (!_local.TryGetValue(userId, out var local))
            {
                return;
            }
            var now = _time.GetTimestamp();
            status = Combine(local.Connections.Select(c => c.Effective(now, _idleTimeout, _time)));
            if (status == local.Told && !repeat)
            {
                return;
            }
            local.Told = status;
            workspaces = [.. local.Workspaces];
            if (status == Status.Offline)
            {
                _local.Remove(userId);
            }
            Hear(userId, NodeId, status, workspaces, now);
        }
        var word = Serialize(userId, status, workspaces);
        foreach (var workspace in workspaces)
        {
            try
            {
                await _pubSub.PublishAsync(PresenceSubject(workspace), EventHeader.NodeWord, word, _stop.Token);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // The next repetition carries it; presence is never worth failing a connection for.
                Log.PresencePublishFailed(_logger, exception);
            }
        }
    }

    /// <summary>Records a node's word about a user and announces the user's combined status locally if it changed. Under the lock.</summary>
    private void Hear(Ulid userId, string node, Status status, IEnumerable<Ulid> workspaces, long now)
    {
        if (!_users.TryGetValue(userId, out var view))
        {
            if (status == Status.Offline)
            {
                return;
            }
            view = new UserView();
            _users.Add(userId, view);
        }
        view.Workspaces.UnionWith(workspaces);
        if (status == Status.Offline)
        {
            view.Nodes.Remove(node);
        }
        else
        {
            view.Nodes[node] = (status, now + (long)(Lifetime.TotalSeconds * _time.TimestampFrequency));
        }
        AnnounceIfChanged(userId, view);
    }

    private void AnnounceIfChanged(Ulid userId, UserView view)
    {
        var combined = Combine(view.Nodes.Values.Select(n => n.Status));
        if (combined == view.Announced)
        {
            return;
        }
        view.Announced = combined;
        var user = userId.ToString();
        foreach (var workspace in view.Workspaces)
        {
            var update = new PresenceData { WorkspaceId = workspace.ToString(), UserId = user, Status = Name(combined) };
            _fanOut.DeliverLocal(EventHeader.ForWorkspace(GatewayEvents.PresenceUpdate, workspace), GatewayEnvelope.Serialize(GatewayOpCode.Dispatch, GatewayEvents.PresenceUpdate, update, TanagerJsonContext.Default.PresenceData));
        }
        if (combined == Status.Offline)
        {
            _users.Remove(userId);
        }
    }

    private async ValueTask SubscribeAsync(Ulid workspace, CancellationToken cancellationToken)
    {
        WorkspaceSubscription subscription;
        var first = false;
        lock (_lock)
        {
            if (!_subscriptions.TryGetValue(workspace, out subscription!))
            {
                subscription = new WorkspaceSubscription();
                _subscriptions.Add(workspace, subscription);
                subscription.Subscribing = _pubSub.SubscribeAsync(PresenceSubject(workspace), (_, _, payload) => OnWord(payload), cancellationToken).AsTask();
                first = true;
            }
        }
        await subscription.Subscribing!;
        if (first)
        {
            // Ask the other nodes for what they know now, instead of waiting for their next repetition.
            await _pubSub.PublishAsync(PresenceSubject(workspace), EventHeader.NodeWord, JsonSerializer.SerializeToUtf8Bytes(new Word { Node = NodeId, Sync = true }, PresenceJsonContext.Default.Word), cancellationToken);
        }
    }

    private void OnWord(ReadOnlyMemory<byte> payload)
    {
        Word? word;
        try
        {
            word = JsonSerializer.Deserialize(payload.Span, PresenceJsonContext.Default.Word);
        }
        catch (JsonException)
        {
            return;
        }
        if (word is null || word.Node == NodeId)
        {
            return;
        }
        if (word.Sync)
        {
            _ = RepeatAllAsync();
            return;
        }
        if (!Ulid.TryParse(word.User, out var userId) || !TryParse(word.Status, out var status))
        {
            return;
        }
        var workspaces = (word.Workspaces ?? []).Select(w => Ulid.TryParse(w, out var id) ? id : Ulid.Empty).Where(w => w != Ulid.Empty);
        lock (_lock)
        {
            Hear(userId, word.Node, status, workspaces, _time.GetTimestamp());
        }
    }

    private async Task RepeatAllAsync()
    {
        Ulid[] users;
        lock (_lock)
        {
            users = [.. _local.Keys];
        }
        foreach (var user in users)
        {
            await UpdateAsync(user, repeat: true);
        }
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(SweepInterval, _time);
        var lastRepeat = _time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = _time.GetTimestamp();
                lock (_lock)
                {
                    // Words not repeated in time: the node that said them is gone.
                    foreach (var (userId, view) in _users.ToList())
                    {
                        var expired = view.Nodes.Where(n => n.Key != NodeId && n.Value.Expires < now).Select(n => n.Key).ToList();
                        if (expired.Count > 0)
                        {
                            expired.ForEach(node => view.Nodes.Remove(node));
                            AnnounceIfChanged(userId, view);
                        }
                    }
                }
                var repeat = _time.GetElapsedTime(lastRepeat, now) >= RepeatInterval;
                if (repeat)
                {
                    lastRepeat = now;
                }
                Ulid[] users;
                lock (_lock)
                {
                    users = [.. _local.Keys];
                }
                // Idle connections turn away here; every few seconds each local user's word is repeated.
                foreach (var user in users)
                {
                    await UpdateAsync(user, repeat);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sweeper;
        _stop.Dispose();
    }

    private static string PresenceSubject(Ulid workspace) => Subjects.Workspace(workspace) + ".presence";

    private byte[] Serialize(Ulid user, Status status, Ulid[] workspaces) => JsonSerializer.SerializeToUtf8Bytes(
        new Word { Node = NodeId, User = user.ToString(), Status = Name(status), Workspaces = [.. workspaces.Select(w => w.ToString())] },
        PresenceJsonContext.Default.Word);

    /// <summary>Do not disturb is the user's explicit wish and wins; then any active connection; then any connection at all.</summary>
    private static Status Combine(IEnumerable<Status> statuses)
    {
        var combined = Status.Offline;
        foreach (var status in statuses)
        {
            if (status == Status.Dnd || (status == Status.Online && combined != Status.Dnd) || (status == Status.Away && combined == Status.Offline))
            {
                combined = status;
            }
        }
        return combined;
    }
}
