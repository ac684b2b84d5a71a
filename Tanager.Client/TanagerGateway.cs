using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>
/// The live connection of a <see cref="TanagerClient"/>: identifies with the client's token, keeps the heartbeat, raises
/// typed events, and reconnects by itself (backing off up to 30 s) until disposed or the token is refused.
/// Handlers run one at a time, in the order events arrive; keep them short or hand work off.
/// </summary>
public sealed partial class TanagerGateway : IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    /// <summary>How long connecting and waiting for HELLO may take; after HELLO, the silence limit is two of its heartbeat intervals.</summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);
    private static readonly byte[] Heartbeat = GatewayEnvelope.Serialize(GatewayOpCode.Heartbeat);

    private readonly TanagerClient _client;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    /// <summary>
    /// The newest change sequence applied per channel id (creates, edits, deletes): sent with RESUME so the server replays
    /// what this client missed. Touched only by the receive loop.
    /// </summary>
    private readonly Dictionary<string, long> _cursors = new(StringComparer.Ordinal);
    private CancellationTokenSource? _stop;
    private int _disposed;
    /// <summary>The connection after READY, for ops sent from outside the receive loop; null while disconnected.</summary>
    private volatile ClientWebSocket? _connected;
    /// <summary>The status chosen with <see cref="SetPresenceAsync"/>; sent again after every reconnect.</summary>
    private string _presence = "online";
    private Task? _run;
    private TaskCompletionSource<ReadyData>? _firstReady;

    internal TanagerGateway(TanagerClient client)
    {
        _client = client;
    }

    /// <summary>The READY of the current connection, or null while disconnected.</summary>
    public ReadyData? Session { get; private set; }

    /// <summary>Why the server refused the token for good (it was revoked, say), once it has.</summary>
    private TanagerApiException? _refused;

    /// <summary>
    /// Connects and identifies; completes with the first READY. From then on the connection is kept up in the background.
    /// Throws <see cref="TanagerApiException"/> with code <c>authentication_failed</c> when the token is refused.
    /// </summary>
    public Task<ReadyData> ConnectAsync(CancellationToken cancellationToken = default)
    {
        if (_run is not null)
        {
            throw new InvalidOperationException("The gateway is connected already.");
        }
        _stop = new CancellationTokenSource();
        _firstReady = new TaskCompletionSource<ReadyData>(TaskCreationOptions.RunContinuationsAsynchronously);
        _run = KeepConnectedOrFailAsync(_stop.Token);
        return _firstReady.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Connects if not connected yet, then keeps the connection up — reconnecting and catching up by itself — until
    /// <paramref name="cancellationToken"/> is cancelled (then it returns) or the server refuses the token for good, for
    /// example because it was revoked (then it throws <see cref="TanagerApiException"/>). A bot's main loop.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            if (_run is null)
            {
                await ConnectAsync(cancellationToken);
            }
            await _run!.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        if (_refused is not null)
        {
            throw _refused;
        }
    }

    /// <summary>
    /// The connection loop; an exception it did not expect (a platform that lacks an API, say) fails the pending
    /// <see cref="ConnectAsync"/> rather than leaving it waiting for a READY that will never come.
    /// </summary>
    private async Task KeepConnectedOrFailAsync(CancellationToken stop)
    {
        try
        {
            await KeepConnectedAsync(stop);
        }
        catch (Exception exception)
        {
            _firstReady!.TrySetException(exception);
            throw;
        }
    }

    private async Task KeepConnectedAsync(CancellationToken stop)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!stop.IsCancellationRequested)
        {
            var outcome = await ConnectOnceAsync(stop);
            Session = null;
            if (stop.IsCancellationRequested)
            {
                break;
            }
            var fatal = outcome.CloseCode is GatewayCloseCodes.AuthenticationFailed or GatewayCloseCodes.NotAuthenticated;
            await RaiseAsync(Disconnected, new GatewayDisconnect(outcome.CloseCode, outcome.Reason, !fatal));
            if (fatal)
            {
                _refused = new TanagerApiException(401, "authentication_failed", outcome.Reason ?? "The gateway refused the token.");
                _firstReady!.TrySetException(_refused);
                return;
            }
            if (outcome.WasReady)
            {
                backoff = TimeSpan.FromMilliseconds(250);
            }
            // Full jitter keeps a node's clients from coming back in one wave, even after RECONNECT from a draining node.
            var delay = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * backoff.TotalMilliseconds);
            if (outcome.RetryAfter is { } retryAfter && retryAfter > delay)
            {
                delay = retryAfter;
            }
            try
            {
                await Task.Delay(delay, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            backoff = backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;
        }
        _firstReady!.TrySetCanceled(CancellationToken.None);
    }

    private readonly record struct Outcome(int? CloseCode, string? Reason, bool WasReady, TimeSpan? RetryAfter = null);

    /// <summary>The Retry-After of an upgrade the server refused with 429 (too many connections from this address).</summary>
    private static TimeSpan? RetryAfterOf(ClientWebSocket socket) =>
        !OperatingSystem.IsBrowser()
        && socket.HttpStatusCode == System.Net.HttpStatusCode.TooManyRequests
        && socket.HttpResponseHeaders?.TryGetValue("Retry-After", out var values) == true
        && long.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(Math.Min(seconds, (long)MaxBackoff.TotalSeconds))
            : null;

    private async Task<Outcome> ConnectOnceAsync(CancellationToken stop)
    {
        using var socket = new ClientWebSocket();
        // In a browser neither setting exists (each throws PlatformNotSupportedException): the browser's WebSocket keeps
        // its own pings and shows a script no upgrade response, so a refused upgrade there waits the usual backoff.
        if (!OperatingSystem.IsBrowser())
        {
            // Liveness is the gateway's own heartbeat; WebSocket pings would only add traffic.
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            // A refused upgrade's status and Retry-After (429) decide the wait before the next attempt.
            socket.Options.CollectHttpResponseDetails = true;
        }
        var ready = false;
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stop);
        // The watchdog: a path that silently stopped carrying anything (a proxy that stopped forwarding, a network
        // gone without a FIN) is noticed by the silence alone. It runs only while waiting for the server, so slow
        // handlers do not count; cancelling the receive aborts the socket, and the reconnect RESUMEs from the cursors.
        var watchdog = CancellationTokenSource.CreateLinkedTokenSource(connection.Token);
        var silenceLimit = HandshakeTimeout;
        Task? heartbeat = null;
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            watchdog.CancelAfter(silenceLimit);
            await socket.ConnectAsync(_client.GatewayUrl, watchdog.Token);
            while (true)
            {
                watchdog.CancelAfter(silenceLimit);
                var frame = await ReceiveAsync(socket, buffer, watchdog.Token);
                if (!watchdog.TryReset())
                {
                    // The limit passed just as the frame came in: the path is alive, so start a fresh watchdog.
                    watchdog.Dispose();
                    watchdog = CancellationTokenSource.CreateLinkedTokenSource(connection.Token);
                }
                if (frame is null)
                {
                    break;
                }
                if (frame.Op == GatewayOpCode.Dispatch && Dispatched is not null)
                {
                    await RaiseAsync(Dispatched, new GatewayDispatch(frame.T ?? "", frame.D));
                }
                switch (frame.Op)
                {
                    case GatewayOpCode.Hello:
                        var hello = frame.D.Deserialize(TanagerJsonContext.Default.HelloData)!;
                        var interval = TimeSpan.FromMilliseconds(hello.HeartbeatIntervalMs);
                        heartbeat = HeartbeatAsync(socket, interval, connection.Token);
                        // Every HEARTBEAT is answered, so a live path brings a frame at least once an interval: two
                        // intervals without one (the same bound the server applies to the client) mean it is dead.
                        silenceLimit = 2 * interval;
                        // After the first session, RESUME with where each channel stopped: the server replays the rest first.
                        var resume = _cursors.Count > 0;
                        // Without a token of its own the client is a page of an app that signed the person in
                        // (UseHostIdentity): its REST calls carry the app's cookie, and each connection takes a fresh
                        // single-use ticket, since the gateway never reads cookies.
                        string token;
                        try
                        {
                            token = _client.Token ?? (await _client.CreateGatewayTicketAsync(connection.Token)).Ticket;
                        }
                        catch (TanagerApiException refused)
                        {
                            await CloseQuietlyAsync(socket);
                            return new Outcome(refused.Status == 401 ? GatewayCloseCodes.NotAuthenticated : null, refused.Message, ready, refused.RetryAfter);
                        }
                        var identify = new IdentifyData { Token = token, LastSequences = resume ? new Dictionary<string, long>(_cursors, StringComparer.Ordinal) : null };
                        await SendAsync(socket, GatewayEnvelope.Serialize(resume ? GatewayOpCode.Resume : GatewayOpCode.Identify, null, identify, TanagerJsonContext.Default.IdentifyData), connection.Token);
                        break;
                    case GatewayOpCode.Dispatch when frame.T == GatewayEvents.Ready:
                        var readyData = frame.D.Deserialize(TanagerJsonContext.Default.ReadyData)!;
                        ready = true;
                        Session = readyData;
                        FollowChannels(readyData);
                        // Connected before ConnectAsync returns: a caller that sends right after it must find the socket.
                        _connected = socket;
                        _firstReady!.TrySetResult(readyData);
                        if (_presence != "online")
                        {
                            await SendAsync(socket, PresenceFrame(_presence), connection.Token);
                        }
                        await RaiseAsync(Ready, readyData);
                        break;
                    case GatewayOpCode.Dispatch:
                        await DispatchAsync(frame);
                        break;
                    case GatewayOpCode.Reconnect:
                        await CloseQuietlyAsync(socket);
                        return new Outcome(null, "Server asked to reconnect.", ready);
                    case GatewayOpCode.InvalidSession:
                        return new Outcome(null, "Session invalid.", ready);
                }
            }
            return new Outcome((int?)socket.CloseStatus, socket.CloseStatusDescription, ready);
        }
        catch (OperationCanceledException) when (watchdog.IsCancellationRequested && !connection.IsCancellationRequested)
        {
            return new Outcome(null, $"Nothing from the server for {silenceLimit.TotalSeconds:0.###} s: the connection is presumed dead.", ready);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException or HttpRequestException or JsonException)
        {
            return new Outcome((int?)socket.CloseStatus, exception.Message, ready, RetryAfterOf(socket));
        }
        finally
        {
            watchdog.Dispose();
            _connected = null;
            await connection.CancelAsync();
            if (heartbeat is not null)
            {
                await heartbeat;
            }
        }
    }

    /// <summary>
    /// Tells the channel's members that this user is typing; call it every few seconds while they type. Returns false
    /// (and sends nothing) while disconnected: a typing indicator is not worth queueing.
    /// </summary>
    public async Task<bool> SendTypingAsync(string workspaceId, string channelId, CancellationToken cancellationToken = default)
    {
        if (_connected is not { } socket)
        {
            return false;
        }
        var typing = new TypingData { WorkspaceId = workspaceId, ChannelId = channelId };
        await SendAsync(socket, GatewayEnvelope.Serialize(GatewayOpCode.Typing, null, typing, TanagerJsonContext.Default.TypingData), cancellationToken);
        return true;
    }

    /// <summary>Sets this connection's presence: <c>online</c>, <c>away</c> or <c>dnd</c>. Kept across reconnects.</summary>
    public async Task SetPresenceAsync(string status, CancellationToken cancellationToken = default)
    {
        if (status is not ("online" or "away" or "dnd"))
        {
            throw new ArgumentException("Presence is online, away or dnd.", nameof(status));
        }
        _presence = status;
        if (_connected is { } socket)
        {
            await SendAsync(socket, PresenceFrame(status), cancellationToken);
        }
    }

    private static byte[] PresenceFrame(string status) =>
        GatewayEnvelope.Serialize(GatewayOpCode.PresenceUpdate, null, new PresenceData { Status = status }, TanagerJsonContext.Default.PresenceData);

    private async Task HeartbeatAsync(ClientWebSocket socket, TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await SendAsync(socket, Heartbeat, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The receive loop notices the broken connection and reconnects.
        }
    }

    private async Task SendAsync(ClientWebSocket socket, byte[] payload, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(payload, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Reads one whole message; null when the server closed the connection.</summary>
    private static async Task<GatewayFrame?> ReceiveAsync(ClientWebSocket socket, ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        buffer.ResetWrittenCount();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await CloseQuietlyAsync(socket);
                return null;
            }
            buffer.Advance(result.Count);
            if (result.EndOfMessage)
            {
                return GatewayEnvelope.Parse(buffer.WrittenSpan);
            }
        }
    }

    private static async Task CloseQuietlyAsync(ClientWebSocket socket)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Closes the connection and stops reconnecting.</summary>
    public async ValueTask DisposeAsync()
    {
        // Safe to call twice (an `await using` after an explicit dispose, say).
        if (_stop is null || _run is null || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
