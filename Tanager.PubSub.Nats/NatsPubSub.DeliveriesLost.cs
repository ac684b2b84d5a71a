using NATS.Client.Core;
using Tanager.PubSub.Nats.Internal;

namespace Tanager.PubSub.Nats;

public sealed partial class NatsPubSub
{
    // How often the catch-up signal checks whether the connection is open again.
    private static readonly TimeSpan ReconnectPollInterval = TimeSpan.FromMilliseconds(50);
    // A subscription that keeps dropping (a CPU-starved node) would otherwise send every listener back to the store
    // continuously: losses that arrive within a second of a catch-up signal are gathered into the next one.
    private static readonly TimeSpan MinimumSignalInterval = TimeSpan.FromSeconds(1);

    private long _droppedPublishes;
    private long _droppedDeliveries;
    private long _reportedPublishes;
    private long _reportedDeliveries;
    private int _publishDropLogged;
    private int _deliveryDropLogged;
    private int _lossPending;
    private int _signalRunning;
    private Task _signal = Task.CompletedTask;

    /// <summary>
    /// Raised, on a thread pool thread, once NATS works again after payloads may have been lost: after a disconnect
    /// (once reconnected and re-subscribed), after a dropped publish, or after a subscription buffer overflowed. The
    /// subscriptions are live when it is raised (a PING/PONG round trip comes first). At most once a second.
    /// </summary>
    public event EventHandler? DeliveriesLost;

    /// <summary>Publishes dropped because NATS was unreachable or did not take them in time, since start.</summary>
    public long DroppedPublishes => Interlocked.Read(ref _droppedPublishes);

    /// <summary>Payloads dropped because a subscription's buffer was full, since start.</summary>
    public long DroppedDeliveries => Interlocked.Read(ref _droppedDeliveries);

    private void DropPublish(string subject, string reason)
    {
        Interlocked.Increment(ref _droppedPublishes);
        if (Interlocked.Exchange(ref _publishDropLogged, 1) == 0)
        {
            Log.PublishDropped(_logger, subject, reason);
        }
        ReportLoss();
    }

    private ValueTask OnMessageDroppedAsync(object? sender, NatsMessageDroppedEventArgs args)
    {
        Interlocked.Increment(ref _droppedDeliveries);
        if (Interlocked.Exchange(ref _deliveryDropLogged, 1) == 0)
        {
            Log.DeliveryDropped(_logger, args.Subject);
        }
        ReportLoss();
        return ValueTask.CompletedTask;
    }

    /// <summary>Notes that payloads may have been lost; one background task raises <see cref="DeliveriesLost"/> when it can.</summary>
    private void ReportLoss()
    {
        Volatile.Write(ref _lossPending, 1);
        if (!_disposed.IsCancellationRequested && Interlocked.CompareExchange(ref _signalRunning, 1, 0) == 0)
        {
            _signal = Task.Run(SignalLossAsync);
        }
    }

    private async Task SignalLossAsync()
    {
        var stopping = _disposed.Token;
        try
        {
            while (true)
            {
                await WaitUntilSubscriptionsAreLiveAsync(stopping).ConfigureAwait(false);
                if (Interlocked.Exchange(ref _lossPending, 0) == 1)
                {
                    RaiseDeliveriesLost();
                    await Task.Delay(MinimumSignalInterval, stopping).ConfigureAwait(false);
                }
                Volatile.Write(ref _signalRunning, 0);
                // A loss reported after the exchange above, whose ReportLoss saw this task still running, is ours to signal.
                if (Volatile.Read(ref _lossPending) == 0 || Interlocked.CompareExchange(ref _signalRunning, 1, 0) != 0)
                {
                    return;
                }
            }
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // Disposed: the connection may throw anything while it closes.
        }
    }

    /// <summary>Waits for an open connection and a PING/PONG round trip: the re-subscriptions NATS.Net sends on reconnect come before our PING.</summary>
    private async Task WaitUntilSubscriptionsAreLiveAsync(CancellationToken stopping)
    {
        while (true)
        {
            if (_connection.ConnectionState == NatsConnectionState.Open)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                timeout.CancelAfter(_options.CommandTimeout);
                try
                {
                    await _connection.PingAsync(timeout.Token).AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
                    return;
                }
                catch (Exception) when (!stopping.IsCancellationRequested)
                {
                    // Lost again before the PONG: wait for the next open connection.
                }
            }
            await Task.Delay(ReconnectPollInterval, stopping).ConfigureAwait(false);
        }
    }

    private void RaiseDeliveriesLost()
    {
        var publishes = DroppedPublishes;
        var deliveries = DroppedDeliveries;
        Log.DeliveriesLost(_logger, publishes - Interlocked.Exchange(ref _reportedPublishes, publishes), deliveries - Interlocked.Exchange(ref _reportedDeliveries, deliveries));
        Volatile.Write(ref _publishDropLogged, 0);
        Volatile.Write(ref _deliveryDropLogged, 0);
        if (DeliveriesLost is not { } handlers)
        {
            return;
        }
        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler)handler)(this, EventArgs.Empty);
            }
            catch (Exception exception)
            {
                Log.DeliveriesLostHandlerFailed(_logger, exception);
            }
        }
    }

    private async Task StopLossSignalAsync()
    {
        try
        {
            await _signal.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Disposed while it waited; nothing is left to signal.
        }
    }
}
