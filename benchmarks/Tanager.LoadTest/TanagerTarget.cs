using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;

namespace Tanager.LoadTest;

/// <summary>
/// Tanager itself. Setup over REST: an owner (also the publisher) registers and creates a workspace and N public
/// channels; per channel one subscriber user is invited by email, accepts, and joins that channel only, so each of its
/// connections follows exactly that channel. All gateway connections of a channel identify with its subscriber's one
/// token: a user may hold many connections, and registering a user per connection would mostly measure password
/// hashing. The publisher posts over REST, so every publish includes the server's durable store write.
/// </summary>
internal sealed class TanagerTarget : IFanoutTarget
{
    // Setup calls at once: registrations hash a password each (Argon2, CPU- and memory-bound on the server), so more
    // than a few at a time would only queue there.
    private const int SetupConcurrency = 4;

    private readonly Uri _gatewayUrl;
    private readonly TanagerApi _api;
    private readonly StalledSubscriberCheck _stallCheck;
    /// <summary>In connect order: <c>--stall-one</c> stalls the first one still subscribed in each measured phase.</summary>
    private readonly ConcurrentQueue<Subscriber> _subscribers = [];
    /// <summary>How many of the first subscribers carry a <see cref="StallWatch"/> (one per measured phase with <c>--stall-one</c>).</summary>
    private readonly int _stallCandidates;
    /// <summary>Acknowledged load-test sequences per channel, kept only for the stalled subscriber's check.</summary>
    private ConcurrentQueue<long>[]? _acknowledged;
    private int _connectsStarted;
    private string? _publisherToken;
    private TanagerChannel[] _channels = [];

    /// <summary>The server's base URL (ends with '/').</summary>
    public Uri BaseUrl { get; }

    /// <param name="stallCandidates">Subscribers that may be stalled (0 without <c>--stall-one</c>): the first this many to connect.</param>
    public TanagerTarget(Uri baseUrl, int maxPublishConnections, int stallCandidates)
    {
        BaseUrl = baseUrl;
        _gatewayUrl = WebSocketUris.For(baseUrl, "gateway");
        // One pooled HTTP/1.1 connection per publish in flight, so publishes never queue inside the client.
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = maxPublishConnections };
        _api = new TanagerApi(new HttpClient(handler) { BaseAddress = new Uri(baseUrl, "api/v1/") });
        _stallCheck = new StalledSubscriberCheck(baseUrl, _gatewayUrl);
        _stallCandidates = stallCandidates;
    }

    public string Name => "tanager";

    public string PublishNote => "tanager: published with REST POST .../messages, acknowledged after the server's durable store write; each delivery includes that write.";

    public async Task PrepareAsync(int channels, CancellationToken cancellationToken)
    {
        // A fresh suffix per run: the server keeps users from earlier runs, and emails must be unique.
        var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var password = $"load-test-{run}-password";
        var owner = await _api.RegisterAsync($"loadtest-owner-{run}@example.com", password, "Load test publisher", cancellationToken);
        var workspace = await _api.CreateWorkspaceAsync(owner.Token, $"Load test {run}", cancellationToken);
        var prepared = new TanagerChannel[channels];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, channels),
            new ParallelOptions { MaxDegreeOfParallelism = SetupConcurrency, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                // One channel keeps the names of the single-channel runs before --channels existed.
                var suffix = channels == 1 ? run : string.Create(CultureInfo.InvariantCulture, $"{run}-{index}");
                var channel = await _api.CreateChannelAsync(owner.Token, workspace.Id, $"fanout-{suffix}", token);
                var subscriberEmail = $"loadtest-subscriber-{suffix}@example.com";
                var subscriber = await _api.RegisterAsync(subscriberEmail, password, "Load test subscriber", token);
                await _api.AddMemberAsync(owner.Token, workspace.Id, subscriberEmail, token);
                await _api.AcceptInvitationAsync(subscriber.Token, workspace.Id, token);
                await _api.JoinChannelAsync(subscriber.Token, workspace.Id, channel.Id, token);
                prepared[index] = new TanagerChannel(workspace.Id, channel.Id, subscriber.Token);
            });

        _publisherToken = owner.Token;
        _channels = prepared;
        _acknowledged = _stallCandidates > 0 ? [.. prepared.Select(_ => new ConcurrentQueue<long>())] : null;
    }

    public async Task ConnectSubscriberAsync(SubscriberTracker tracker, CancellationToken cancellationToken)
    {
        if (_channels.Length == 0)
        {
            throw new InvalidOperationException("PrepareAsync has not run.");
        }
        var watch = Interlocked.Increment(ref _connectsStarted) <= _stallCandidates ? new StallWatch() : null;
        var socket = new RawSocket();
        _subscribers.Enqueue(new Subscriber(socket, tracker, watch));
        await socket.ConnectAsync(_gatewayUrl, cancellationToken);
        var (interval, _) = await GatewayHandshake.IdentifyAsync(socket, _channels[tracker.Channel].SubscriberToken, resumeFrom: null, cancellationToken);

        // Only payload frames matter from here on; they are recognised by the payload marker without parsing JSON.
        // A possible stall candidate also has its messages read in full, to know where it would resume from.
        socket.StartReceiving(
            watch is null ? frame => tracker.OnFrame(frame) : frame => { watch.OnFrame(frame); tracker.OnFrame(frame); },
            tracker.OnLost);
        socket.StartHeartbeat(interval * GatewayHandshake.HeartbeatSafetyFactor, GatewayHandshake.Heartbeat);
    }

    /// <summary>
    /// The first candidate still subscribed stops reading (it keeps heartbeating), as a client whose reader hangs; what it
    /// reads once it reads again goes to its watch, not to the measurement. Null when no candidate is left.
    /// </summary>
    public StalledSubscriber? StallOneSubscriber()
    {
        foreach (var subscriber in _subscribers)
        {
            if (subscriber.Watch is { Chosen: false } watch && subscriber.Tracker.IsSubscribed)
            {
                watch.Chosen = true;
                subscriber.Socket.Stall(watch.OnFrameAfterStall);
                return new StalledSubscriber(subscriber.Socket, subscriber.Tracker, watch);
            }
        }
        return null;
    }

    /// <summary>
    /// Ends the stalled subscriber's socket, reconnects it with RESUME and checks that it has every message of its channel
    /// with a load-test sequence in [<paramref name="fromSequence"/>, <paramref name="toSequence"/>), exactly once.
    /// </summary>
    public Task<StallCheck> CheckStalledSubscriberAsync(StalledSubscriber stalled, long fromSequence, long toSequence, CancellationToken cancellationToken)
    {
        var acknowledged = _acknowledged ?? throw new InvalidOperationException("No subscriber was made a stall candidate.");
        var published = acknowledged[stalled.Channel].Where(sequence => sequence >= fromSequence && sequence < toSequence).ToHashSet();
        return _stallCheck.RunAsync(stalled, _channels[stalled.Channel], published, fromSequence, toSequence, cancellationToken);
    }

    public async Task PublishAsync(string content, int channel, CancellationToken cancellationToken)
    {
        var target = _channels[channel];
        await _api.PostMessageAsync(
            _publisherToken ?? throw new InvalidOperationException("PrepareAsync has not run."),
            target.WorkspaceId,
            target.Id,
            content,
            cancellationToken);
        if (_acknowledged is not null && Payload.TryParse(content, out var sequence, out _))
        {
            _acknowledged[channel].Enqueue(sequence);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Connections.DisposeAllAsync(_subscribers.Select(subscriber => subscriber.Socket));
        _api.Dispose();
    }

    private sealed record Subscriber(RawSocket Socket, SubscriberTracker Tracker, StallWatch? Watch);
}
