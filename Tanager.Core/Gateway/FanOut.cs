using System.Collections.Immutable;
using Tanager.Internal;

namespace Tanager;

/// <summary>
/// This node's side of pub/sub: holds one <see cref="IPubSub"/> subscription per subject that has local listeners
/// (reference counted) and hands each arriving event, wrapped once in an <see cref="OutboundEvent"/>, to every listener.
/// </summary>
/// <remarks>
/// A subject's events reach its listeners one at a time, under one lock per subject taken once per event (not per
/// listener): whatever orders a channel's events for its listeners can rely on it, and can take the same lock
/// (the lock handed to <see cref="ISubjectListener.Attached"/>) when it delivers from elsewhere (a catch-up from the store).
/// </remarks>
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

    /// <summary>
    /// Adds <paramref name="listener"/> to <paramref name="subject"/>, subscribing on the pub/sub when it is the subject's
    /// first on this node. The listener is handed the subject's lock (<see cref="ISubjectListener.Attached"/>) before its
    /// first event.
    /// </summary>
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
                entry.Subscription = _pubSub.SubscribeAsync(subject, (_, header, payload) => Deliver(captured, header, payload), cancellationToken).AsTask();
            }
            listener.Attached(entry.Gate);
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
    /// Hands an event to this node's listeners of its subject only, without pub/sub: for what every node works out for
    /// itself (presence).
    /// </summary>
    public void DeliverLocal(EventHeader header, ReadOnlyMemory<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(header);
        Entry? entry;
        lock (_lock)
        {
            _entries.TryGetValue(header.Subject, out entry);
        }
        if (entry is not null)
        {
            Deliver(entry, header, payload);
        }
    }

    private static void Deliver(Entry entry, EventHeader header, ReadOnlyMemory<byte> payload)
    {
        var listeners = entry.Listeners;
        if (listeners.IsEmpty)
        {
            return;
        }
        var outbound = new OutboundEvent(header, payload);
        lock (entry.Gate)
        {
            if (header.Scope == EventScope.Channel)
            {
                // Recorded in the subject's current segment, so a connection's queue can hold a run of them (OutboundFrameQueue).
                var segment = entry.NextSegment();
                outbound.PlaceIn(segment, segment.Count);
            }
            foreach (var listener in listeners)
            {
                listener.Deliver(outbound);
            }
            outbound.Delivered();
        }
        // Counted once per event, not per listener: the fan-out's cost per delivery stays what issue 10 measured.
        TanagerMetrics.Delivered(listeners.Length);
    }

    private sealed class Entry(string subject)
    {
        public string Subject { get; } = subject;
        public Lock Gate { get; } = new();
        /// <summary>
        /// Replaced (copy-on-write) under the fan-out lock and read without it on the delivery path; an ImmutableArray is
        /// one reference, so a reader sees either the old or the new array, never a torn one.
        /// </summary>
        public ImmutableArray<ISubjectListener> Listeners { get; set; } = [];
        public Task<IAsyncDisposable>? Subscription { get; set; }
        /// <summary>
        /// The segment the subject's channel events go to, held weakly: only queues that hold a run of it keep it (and its
        /// events) alive, so a quiet channel keeps nothing. Guarded by <see cref="Gate"/>.
        /// </summary>
        private WeakReference<EventSegment>? _segment;

        /// <summary>Under the gate: the segment the next event goes to (a new one when the last is full or collected).</summary>
        public EventSegment NextSegment()
        {
            if (_segment is not null && _segment.TryGetTarget(out var segment) && segment.Count < EventSegment.Length)
            {
                return segment;
            }
            segment = new EventSegment();
            if (_segment is null)
            {
                _segment = new WeakReference<EventSegment>(segment);
            }
            else
            {
                _segment.SetTarget(segment);
            }
            return segment;
        }
    }
}
