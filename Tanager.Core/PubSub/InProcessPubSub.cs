using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Tanager;

/// <summary>Single-node pub/sub: a publish calls every handler of the subject synchronously, on the publisher's thread.</summary>
public sealed class InProcessPubSub : IPubSub
{
    private readonly ConcurrentDictionary<string, ImmutableArray<PubSubHandler>> _handlers = new(StringComparer.Ordinal);

    /// <summary>Never raised: a publish reaches every handler before it returns.</summary>
    public event EventHandler? DeliveriesLost
    {
        add { }
        remove { }
    }

    public ValueTask PublishAsync(string subject, EventHeader header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (_handlers.TryGetValue(subject, out var handlers))
        {
            foreach (var handler in handlers)
            {
                handler(subject, header, payload);
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IAsyncDisposable> SubscribeAsync(string subject, PubSubHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.AddOrUpdate(subject, static (_, h) => [h], static (_, existing, h) => existing.Add(h), handler);
        return ValueTask.FromResult<IAsyncDisposable>(new Subscription(this, subject, handler));
    }

    private void Remove(string subject, PubSubHandler handler)
    {
        while (_handlers.TryGetValue(subject, out var existing))
        {
            var remaining = existing.Remove(handler);
            var done = remaining.IsEmpty
                ? _handlers.TryRemove(new KeyValuePair<string, ImmutableArray<PubSubHandler>>(subject, existing))
                : _handlers.TryUpdate(subject, remaining, existing);
            if (done)
            {
                return;
            }
        }
    }

    private sealed class Subscription(InProcessPubSub owner, string subject, PubSubHandler handler) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Remove(subject, handler);
            }
            return ValueTask.CompletedTask;
        }
    }
}
