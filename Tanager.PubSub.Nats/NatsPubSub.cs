using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using Tanager.PubSub.Nats.Internal;

namespace Tanager.PubSub.Nats;

/// <summary>
/// <see cref="IPubSub"/> over one NATS connection per node (NATS core, at most once). Payloads travel as opaque bytes
/// on the subjects given. A subscribe completes once the server has registered it; each subscription has one reader
/// loop that calls its handler in publish order. NATS.Net re-subscribes by itself after a reconnect; whenever a payload
/// may have been lost (a disconnect, a dropped publish, a full subscription buffer), <see cref="DeliveriesLost"/> is
/// raised once subscriptions are live again, so listeners catch up from the store.
/// </summary>
public sealed partial class NatsPubSub : IPubSub, IAsyncDisposable
{
    // A link that dies without a reset is noticed after MaxPingOut unanswered pings: 2 × 10 s, rather than NATS.Net's
    // 2 × 2 min, so a node stops trusting a dead connection within about 30 s.
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(10);
    private const int MaxPingOut = 2;

    private readonly NatsConnection _connection;
    private readonly NatsPubSubOptions _options;
    private readonly NatsUrl _url;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposed = new();
    private int _disposeStarted;
    private volatile bool _connected;
    private volatile bool _wasDisconnected;

    /// <summary>Creates the pub/sub; it connects on <see cref="ConnectAsync"/> (the host calls it at start-up) or first use.</summary>
    /// <exception cref="ArgumentException">The options are not valid; the message lists every problem.</exception>
    public NatsPubSub(NatsPubSubOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate();
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }
        // A copy: the settings in force cannot change under a running connection.
        _options = new NatsPubSubOptions
        {
            Url = options.Url,
            Name = options.Name,
            ConnectTimeout = options.ConnectTimeout,
            CommandTimeout = options.CommandTimeout,
            SubscriptionBufferCapacity = options.SubscriptionBufferCapacity,
        };
        _url = NatsUrl.Parse(options.Url, out _)!;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<NatsPubSub>();
        _connection = new NatsConnection(NatsOpts.Default with
        {
            // Credentials go in AuthOpts, never in the URL, so nothing NATS.Net logs can contain them.
            Url = _url.Servers,
            AuthOpts = NatsAuthOpts.Default with { Username = _url.User, Password = _url.Password, Token = _url.Token },
            Name = _options.Name,
            LoggerFactory = loggerFactory,
            ConnectTimeout = _options.ConnectTimeout,
            CommandTimeout = _options.CommandTimeout,
            // A publish while disconnected gives up after CommandTimeout instead of waiting for the reconnect.
            PublishTimeoutOnDisconnected = true,
            // Start-up fails fast on a wrong URL; once connected, reconnect for as long as the process lives.
            RetryOnInitialConnect = false,
            MaxReconnectRetry = -1,
            PingInterval = PingInterval,
            MaxPingOut = MaxPingOut,
            // Never block the socket reader (that would stall every subject and make the server cut us off as a slow
            // consumer): a full subscription buffer drops the arriving payload, which raises DeliveriesLost.
            SubPendingChannelCapacity = _options.SubscriptionBufferCapacity,
            SubPendingChannelFullMode = BoundedChannelFullMode.DropWrite,
            // We log drops once per episode ourselves.
            SuppressSlowConsumerWarnings = true,
        });
        _subscriptionOptions = new NatsSubOpts
        {
            ChannelOpts = new NatsSubChannelOpts { Capacity = _options.SubscriptionBufferCapacity, FullMode = BoundedChannelFullMode.DropWrite },
        };
        _connection.ConnectionOpened += OnConnectionOpenedAsync;
        _connection.ConnectionDisconnected += OnConnectionDisconnectedAsync;
        _connection.ReconnectFailed += OnReconnectFailedAsync;
        _connection.MessageDropped += OnMessageDroppedAsync;
    }

    /// <summary>The server URL(s), with any credentials replaced by <c>***</c>.</summary>
    public string Url => _url.Display;

    /// <summary>Whether the connection to NATS is open right now.</summary>
    public bool IsConnected => _connection.ConnectionState == NatsConnectionState.Open;

    /// <summary>Connects to NATS if not connected yet. The host calls it at start-up so that a wrong URL stops the start.</summary>
    /// <exception cref="NatsUnreachableException">No server in <see cref="NatsPubSubOptions.Url"/> answered.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        if (_connected)
        {
            return;
        }
        try
        {
            await _connection.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.ConnectFailed(_logger, exception, _url.Display);
            throw new NatsUnreachableException(
                $"Cannot connect to NATS at {_url.Display} ({ConnectFailureReason(exception)}). Check that nats-server runs there and that the URL is right.",
                exception);
        }
        if (!_connected)
        {
            _connected = true;
            Log.Connected(_logger, _url.Display, _options.Name);
        }
    }

    /// <summary>
    /// Hands <paramref name="payload"/> to the connection. It never waits for a reconnect: while NATS is unreachable, or
    /// when the connection does not take the payload within <see cref="NatsPubSubOptions.CommandTimeout"/>, the payload is
    /// dropped and counted (<see cref="DroppedPublishes"/>), no exception reaches the caller, and
    /// <see cref="DeliveriesLost"/> is raised once NATS works again so that subscribers catch up from the store.
    /// </summary>
    /// <exception cref="NatsUnreachableException">The very first connection attempt failed (never after start-up).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask PublishAsync(string subject, EventHeader header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentNullException.ThrowIfNull(header);
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        if (!_connected)
        {
            return ConnectThenPublishAsync(subject, header, payload, cancellationToken);
        }
        if (_connection.ConnectionState != NatsConnectionState.Open)
        {
            DropPublish(subject, "not connected");
            return ValueTask.CompletedTask;
        }
        ValueTask publish;
        try
        {
            publish = _connection.PublishAsync(subject, new HeaderedPayload(header, payload), serializer: PayloadSerializer.Instance, cancellationToken: cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            DropPublish(subject, Innermost(exception).Message);
            return ValueTask.CompletedTask;
        }
        return publish.IsCompletedSuccessfully ? ValueTask.CompletedTask : AwaitPublishAsync(publish, subject, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) != 0)
        {
            return;
        }
        await _disposed.CancelAsync().ConfigureAwait(false);
        foreach (var subscription in _subscriptions.Keys)
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
        }
        _connection.ConnectionOpened -= OnConnectionOpenedAsync;
        _connection.ConnectionDisconnected -= OnConnectionDisconnectedAsync;
        _connection.ReconnectFailed -= OnReconnectFailedAsync;
        _connection.MessageDropped -= OnMessageDroppedAsync;
        await _connection.DisposeAsync().ConfigureAwait(false);
        await StopLossSignalAsync().ConfigureAwait(false);
        _disposed.Dispose();
    }

    private async ValueTask ConnectThenPublishAsync(string subject, EventHeader header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await PublishAsync(subject, header, payload, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask AwaitPublishAsync(ValueTask publish, string subject, CancellationToken cancellationToken)
    {
        try
        {
            await publish.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller gave up; the payload may or may not have left, so subscribers may have missed it.
            ReportLoss();
            throw;
        }
        catch (Exception exception)
        {
            DropPublish(subject, exception is OperationCanceledException ? "timed out" : Innermost(exception).Message);
        }
    }

    private ValueTask OnConnectionOpenedAsync(object? sender, NatsEventArgs args)
    {
        if (_wasDisconnected)
        {
            _wasDisconnected = false;
            Log.Reconnected(_logger, _url.Display);
        }
        return ValueTask.CompletedTask;
    }

    private ValueTask OnConnectionDisconnectedAsync(object? sender, NatsEventArgs args)
    {
        _wasDisconnected = true;
        if (!_disposed.IsCancellationRequested)
        {
            Log.Disconnected(_logger, _url.Display);
            // Whatever was in flight, in either direction, may be gone.
            ReportLoss();
        }
        return ValueTask.CompletedTask;
    }

    private ValueTask OnReconnectFailedAsync(object? sender, NatsEventArgs args)
    {
        Log.ReconnectFailed(_logger, _url.Display);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// NATS.Net reports an unreachable server as "can not connect uris: …" without the socket error (which it logs
    /// itself); anything more specific (TLS, authentication, timeout) is passed on.
    /// </summary>
    private string ConnectFailureReason(Exception exception)
    {
        var innermost = Innermost(exception);
        return innermost is NatsException && innermost.Message.StartsWith("can not connect uris", StringComparison.OrdinalIgnoreCase)
            ? $"no server accepted a connection within {_options.ConnectTimeout.TotalSeconds:0.###} s"
            : innermost.Message;
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }
        return exception;
    }
}
