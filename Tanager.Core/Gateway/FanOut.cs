using System.Collections.Immutable;

namespace Tanager;

/// <summary>
/// This node's side of pub/sub: holds one <see cref="IPubSub"/> subscription per subject that has local listeners
/// (reference counted) and hands each arriving event, wrapped once in an <see cref="OutboundEvent"/>, to every listener.
/// </summary>
public sealed class FanOut
{
    private readonly IPubSub _pubSub;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public FanOut(IPubSub pubSub)
    {
        _pubSub = pubSub;
    }

    /// <summary>Subjects with at least one local listener.</summary>
    public int SubjectCount
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public async ValueTask AddAsync(string subject, ISubjectListener listener, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listener);
        Entry entry;
        lock (_lock)
        {
            if (!_entries.TryGetValue(subject, out entry!))
            {
                entry = new Entry(subject);
                _entries.Add(subject, entry);
                var captured = entry;
                entry.Subscription = _pubSub.SubscribeAsync(subject, (_, payload) => Deliver(captured, payload), cancellationToken).AsTask();
            }
            entry.Listeners = entry.Listeners.Add(listener);
        }
        try
        {
            await entry.Subscription!;
        }
        catch
        {
            // A subscribe that failed (the broker was down) is not kept: the next listener of the subject tries again.
            lock (_lock)
            {
                entry.Listeners = entry.Listeners.Remove(listener);
                if (_entries.TryGetValue(subject, out var current) && ReferenceEquals(current, entry))
                {
                    _entries.Remove(subject);
                }
            }
            throw;
        }
    }

    public async ValueTask RemoveAsync(string subject, ISubjectListener listener)
    {
        Task<IAsyncDisposable>? toDispose = null;
        lock (_lock)
        {
            if (!_entries.TryGetValue(subject, out var entry))
            {
                return;
            }
            entry.Listeners = entry.Listeners.Remove(listener);
            if (entry.Listeners.IsEmpty)
            {
                _entries.Remove(subject);
                toDispose = entry.Subscription;
            }
        }
        if (toDispose is not null)
        {
            IAsyncDisposable subscription;
            try
            {
                subscription = await toDispose;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // It never subscribed: nothing to undo.
                return;
            }
            await subscription.DisposeAsync();
        }
    }

    /// <summary>
    /// Hands <paramref name="payload"/> to this node's listeners of <paramref name="subject"/> only, without pub/sub: for
    /// what every node works out for itself (presence).
    /// </summary>
    public void DeliverLocal(string subject, ReadOnlyMemory<byte> payload)
    {
        Entry? entry;
        lock (_lock)
        {
            _entries.TryGetValue(subject, out entry);
        }
        if (entry is not null)
        {
            Deliver(entry, payload);
        }
    }

    private static void Deliver(Entry entry, ReadOnlyMemory<byte> payload)
    {
        var listeners = entry.Listeners;
        if (listeners.IsEmpty)
        {
            return;
        }
        var outbound = new OutboundEvent(payload);
        foreach (var listener in listeners)
        {
            listener.Deliver(entry.Subject, outbound);
        }
    }

    private sealed class Entry(string subject)
    {
        public string Subject { get; } = subject;
        /// <summary>
        /// Replaced (copy-on-write) under the fan-out lock and read without it on the delivery path; an ImmutableArray is
        /// one reference, so a reader sees either the old or the new array, never a torn one.
        /// </summary>
        public ImmutableArray<ISubjectListener> Listeners { get; set; } = [];
        public Task<IAsyncDisposable>? Subscription { get; set; }
    }
}
