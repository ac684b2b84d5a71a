using NUlid;

namespace Tanager;

/// <summary>Presence's statuses, a connection's handle, and what nodes tell each other.</summary>
public sealed partial class PresenceTracker
{
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
