using System.Collections.Concurrent;
using NATS.Client.Core;
using Tanager.PubSub.Nats.Internal;

namespace Tanager.PubSub.Nats;

public sealed partial class NatsPubSub
{
    private readonly NatsSubOpts _subscriptionOptions;
    // NATS.Net holds subscriptions weakly; these strong references keep them alive until they are disposed.
    private readonly ConcurrentDictionary<Subscription, byte> _subscriptions = new();

    /// <summary>
    /// Subscribes and completes only once the NATS server has registered the subscription (a PING/PONG round trip after the
    /// SUB), so that every payload published afterwards, from any node, reaches <paramref name="handler"/>.
    /// </summary>
    /// <exception cref="NatsUnreachableException">The server did not confirm the subscription within <see cref="NatsPubSubOptions.CommandTimeout"/>.</exception>
    public async ValueTask<IAsyncDisposable> SubscribeAsync(string subject, PubSubHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        if (!_connected)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        timeout.CancelAfter(_options.CommandTimeout);
        // While NATS.Net waits for a reconnect it does not watch the token, hence WaitAsync; a subscription that
        // completes after we gave up is disposed at once.
        var subscribing = _connection.SubscribeCoreAsync(subject, queueGroup: null, PayloadSerializer.Instance, _subscriptionOptions, timeout.Token).AsTask();
        INatsSub<HeaderedPayload> natsSubscription;
        try
        {
            natsSubscription = await subscribing.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            _ = subscribing.ContinueWith(
                static task => task.IsCompletedSuccessfully ? task.Result.DisposeAsync().AsTask() : Task.CompletedTask,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            throw SubscribeFailed(exception, subject, cancellationToken);
        }

        try
        {
            // The server handles a connection's commands in order: its PONG means our SUB is registered.
            await _connection.PingAsync(timeout.Token).AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            await natsSubscription.DisposeAsync().ConfigureAwait(false);
            throw SubscribeFailed(exception, subject, cancellationToken);
        }

        var subscription = new Subscription(this, natsSubscription, subject, handler);
        _subscriptions.TryAdd(subscription, 0);
        subscription.Start();
        return subscription;
    }

    private Exception SubscribeFailed(Exception exception, string subject, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException(cancellationToken);
        }
        if (_disposed.IsCancellationRequested)
        {
            return new ObjectDisposedException(nameof(NatsPubSub));
        }
        return new NatsUnreachableException(
            $"NATS at {_url.Display} did not confirm the subscription to {subject} within {_options.CommandTimeout.TotalSeconds:0.###} s (connection {_connection.ConnectionState}).",
            exception);
    }

    /// <summary>One subject's subscription: one reader loop that calls the handler for each payload, in the order received.</summary>
    private sealed class Subscription(NatsPubSub owner, INatsSub<HeaderedPayload> natsSubscription, string subject, PubSubHandler handler) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;
        private int _disposed;
        private int _handlerThread;

        public void Start() => _loop = Task.Run(ReadAsync);

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }
            owner._subscriptions.TryRemove(this, out _);
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await natsSubscription.DisposeAsync().AsTask().WaitAsync(owner._options.CommandTimeout).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                Log.UnsubscribeFailed(owner._logger, exception, subject);
            }
            // A handler that disposes its own subscription must not wait for the loop it runs on.
            if (Volatile.Read(ref _handlerThread) != Environment.CurrentManagedThreadId)
            {
                await _loop.ConfigureAwait(false);
            }
        }

        private async Task ReadAsync()
        {
            var reader = natsSubscription.Msgs;
            try
            {
                while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
                {
                    while (!_stop.IsCancellationRequested && reader.TryRead(out var message))
                    {
                        Volatile.Write(ref _handlerThread, Environment.CurrentManagedThreadId);
                        try
                        {
                            if (message.Data.Header is { } header)
                            {
                                handler(subject, header, message.Data.Payload);
                            }
                            else
                            {
                                Log.NotAnEvent(owner._logger, subject);
                            }
                        }
                        catch (Exception exception)
                        {
                            Log.HandlerFailed(owner._logger, exception, subject);
                        }
                        finally
                        {
                            Volatile.Write(ref _handlerThread, 0);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Disposed.
            }
        }
    }
}
