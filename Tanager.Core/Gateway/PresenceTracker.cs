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
public sealed class PresenceTracker : IAsyncDisposable
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

    internal static string Name(Status status) => status switch
    {
        Status.Online => "online",
        Status.Away => "away",
        Status.Dnd => "dnd",
        _ => "offline",
    };

    internal static bool TryParse(string? value, out Status status)
    {
        status = value switch
        {
            "online" => Status.Online,
            "away" => Status.Away,
            "dnd" => Status.Dnd,
            "offline" => Status.Offline,
            _ => (Status)(-1),
        };
        return status >= 0;
    }

    internal enum Status
    {
        Offline = 0,
        Away = 1,
        Online = 2,
        Dnd = 3,
    }

    /// <summary>One gateway connection's part in its user's presence.</summary>
    internal sealed class Connection(PresenceTracker tracker, Ulid userId, Ulid[] workspaces, long now) : IAsyncDisposable
    {
        private Status _chosen = Status.Online;
        private long _lastActive = now;
        private int _closed;

        public Ulid[] Workspaces { get; } = workspaces;

        /// <summary>The user chose a status (online, away, dnd); choosing one also counts as activity.</summary>
        public ValueTask ChooseAsync(Status status)
        {
            lock (tracker._lock)
            {
                _chosen = status;
                _lastActive = tracker._time.GetTimestamp();
            }
            return tracker.UpdateAsync(userId);
        }

        /// <summary>The user did something (typed, say): an idle connection is active again.</summary>
        public ValueTask ActiveAsync()
        {
            lock (tracker._lock)
            {
                _lastActive = tracker._time.GetTimestamp();
            }
            return tracker.UpdateAsync(userId);
        }

        /// <summary>Under the tracker's lock.</summary>
        public Status Effective(long now, TimeSpan idleTimeout, TimeProvider time) =>
            Volatile.Read(ref _closed) != 0 ? Status.Offline
            : _chosen == Status.Online && time.GetElapsedTime(_lastActive, now) > idleTimeout ? Status.Away
            : _chosen;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0)
            {
                return;
            }
            lock (tracker._lock)
            {
                if (tracker._local.TryGetValue(userId, out var local))
                {
                    local.Connections.Remove(this);
                }
            }
            await tracker.UpdateAsync(userId);
        }
    }

    private sealed class LocalUser
    {
        public List<Connection> Connections { get; } = [];
        public HashSet<Ulid> Workspaces { get; } = [];
        public Status Told { get; set; } = Status.Offline;
    }

    private sealed class UserView
    {
        public Dictionary<string, (Status Status, long Expires)> Nodes { get; } = new(StringComparer.Ordinal);
        public HashSet<Ulid> Workspaces { get; } = [];
        public Status Announced { get; set; } = Status.Offline;
    }

    private sealed class WorkspaceSubscription
    {
        public Task<IAsyncDisposable>? Subscribing { get; set; }
    }

    /// <summary>What one node says about one user, or a request to repeat everything (<see cref="Sync"/>).</summary>
    internal sealed record Word
    {
        public required string Node { get; init; }
        public string? User { get; init; }
        public string? Status { get; init; }
        public IReadOnlyList<string>? Workspaces { get; init; }
        public bool Sync { get; init; }
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
[System.Text.Json.Serialization.JsonSerializable(typeof(PresenceTracker.Word))]
internal sealed partial class PresenceJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
