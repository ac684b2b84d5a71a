using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Tanager.Protocol;

namespace Tanager.LoadTest;

/// <summary>
/// Tanager itself. Setup over REST: an owner (also the publisher) registers and creates a workspace and a public
/// channel, adds one subscriber user by email, and that user joins the channel. All N gateway connections identify
/// with the subscriber's one token: a user may hold many connections, and registering N users would mostly measure
/// password hashing. The publisher posts over REST, so every publish includes the server's durable store write.
/// </summary>
internal sealed class TanagerTarget : IFanoutTarget
{
    // IDENTIFY is answered by READY; a few other frames (heartbeat acks, dispatches) may come first.
    private const int MaxFramesBeforeReady = 16;
    // Heartbeat earlier than asked: the load generator shares 2 cores with the server, so timers can fire late under
    // saturation, and a missed heartbeat would close the connection and show up as lost deliveries.
    private const double HeartbeatSafetyFactor = 0.75;

    private static readonly byte[] s_heartbeat = GatewayEnvelope.Serialize(GatewayOpCode.Heartbeat);

    private readonly Uri _gatewayUrl;
    private readonly HttpMessageInvoker _invoker;
    private readonly TanagerApi _api;
    private readonly ConcurrentBag<RawSocket> _subscribers = [];
    /// <summary>The subscriber <c>--stall-one</c> stalls: the first to connect.</summary>
    private RawSocket? _first;
    private int _lostSubscribers;
    private string? _publisherToken;
    private string? _subscriberToken;
    private string? _workspaceId;
    private string? _channelId;

    public TanagerTarget(Uri baseUrl, HttpMessageInvoker invoker, int maxPublishConnections)
    {
        _gatewayUrl = WebSocketUris.For(baseUrl, "gateway");
        _invoker = invoker;
        // One pooled HTTP/1.1 connection per publish in flight, so publishes never queue inside the client.
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = maxPublishConnections };
        _api = new TanagerApi(new HttpClient(handler) { BaseAddress = new Uri(baseUrl, "api/v1/") });
    }

    public string Name => "tanager";

    public string PublishNote => "tanager: published with REST POST .../messages, acknowledged after the server's durable store write; each delivery includes that write.";

    public int LostSubscribers => Volatile.Read(ref _lostSubscribers);

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        // A fresh suffix per run: the server keeps users from earlier runs, and emails must be unique.
        var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var password = $"load-test-{run}-password";
        var owner = await _api.RegisterAsync($"loadtest-owner-{run}@example.com", password, "Load test publisher", cancellationToken);
        var subscriberEmail = $"loadtest-subscriber-{run}@example.com";
        var subscriber = await _api.RegisterAsync(subscriberEmail, password, "Load test subscriber", cancellationToken);
        var workspace = await _api.CreateWorkspaceAsync(owner.Token, $"Load test {run}", cancellationToken);
        var channel = await _api.CreateChannelAsync(owner.Token, workspace.Id, $"fanout-{run}", cancellationToken);
        await _api.AddMemberAsync(owner.Token, workspace.Id, subscriberEmail, cancellationToken);
        await _api.AcceptInvitationAsync(subscriber.Token, workspace.Id, cancellationToken);
        await _api.JoinChannelAsync(subscriber.Token, workspace.Id, channel.Id, cancellationToken);

        _publisherToken = owner.Token;
        _subscriberToken = subscriber.Token;
        _workspaceId = workspace.Id;
        _channelId = channel.Id;
    }

    public async Task ConnectSubscriberAsync(SubscriberTracker tracker, CancellationToken cancellationToken)
    {
        var token = _subscriberToken ?? throw new InvalidOperationException("PrepareAsync has not run.");
        var socket = new RawSocket();
        _subscribers.Add(socket);
        Interlocked.CompareExchange(ref _first, socket, null);
        await socket.ConnectAsync(_gatewayUrl, _invoker, cancellationToken);

        var hello = await ReceiveFrameAsync(socket, cancellationToken);
        if (hello.Op != GatewayOpCode.Hello)
        {
            throw new InvalidOperationException($"Expected HELLO, got op {(int)hello.Op}.");
        }
        var interval = TimeSpan.FromMilliseconds(hello.D.Deserialize(TanagerJsonContext.Default.HelloData)!.HeartbeatIntervalMs);

        var identify = GatewayEnvelope.Serialize(GatewayOpCode.Identify, null, new IdentifyData { Token = token }, TanagerJsonContext.Default.IdentifyData);
        await socket.SendAsync(identify, cancellationToken);
        for (var i = 0; ; i++)
        {
            var frame = await ReceiveFrameAsync(socket, cancellationToken);
            if (frame.Op == GatewayOpCode.Dispatch && frame.T == GatewayEvents.Ready)
            {
                break;
            }
            if (frame.Op == GatewayOpCode.Error || i >= MaxFramesBeforeReady)
            {
                throw new InvalidOperationException($"IDENTIFY was not answered by READY: op {(int)frame.Op} {frame.T} {frame.D}");
            }
        }

        // Only payload frames matter from here on; they are recognised by the payload marker without parsing JSON.
        socket.StartReceiving(frame => tracker.OnFrame(frame), () => Interlocked.Increment(ref _lostSubscribers));
        socket.StartHeartbeat(interval * HeartbeatSafetyFactor, s_heartbeat);
    }

    /// <summary>The first subscriber stops reading (it keeps heartbeating), as a client whose reader hangs.</summary>
    public void StallFirstSubscriber() => (_first ?? throw new InvalidOperationException("No subscriber.")).Stall();

    /// <summary>Lets the stalled subscriber read again and says how the server ended its connection.</summary>
    public async Task<string> ResumeStalledSubscriberAsync()
    {
        var stalled = _first ?? throw new InvalidOperationException("No subscriber.");
        stalled.Unstall();
        var ended = await Task.WhenAny(stalled.Receiving, Task.Delay(TimeSpan.FromSeconds(10))) == stalled.Receiving;
        var how = stalled.CloseStatus is { } status
            ? $"closed by the server with {(int)status} {stalled.CloseStatusDescription}"
            : "dropped by the server without a close frame (a reader that stopped cannot take one)";
        return ended
            ? $"{how}; {stalled.DiscardedAfterStall:N0} messages were still in its socket buffers"
            : $"still open 10 s after it read again ({stalled.DiscardedAfterStall:N0} messages read since the stall)";
    }

    public Task PublishAsync(string content, CancellationToken cancellationToken) =>
        _api.PostMessageAsync(
            _publisherToken ?? throw new InvalidOperationException("PrepareAsync has not run."),
            _workspaceId!,
            _channelId!,
            content,
            cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Connections.DisposeAllAsync(_subscribers);
        _api.Dispose();
    }

    private static async Task<GatewayFrame> ReceiveFrameAsync(RawSocket socket, CancellationToken cancellationToken)
    {
        var message = await socket.ReceiveAsync(cancellationToken)
            ?? throw new InvalidOperationException($"The gateway closed the connection: {socket.CloseStatus} {socket.CloseStatusDescription}");
        try
        {
            return GatewayEnvelope.Parse(message.Span);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException("The gateway sent a frame that is not a gateway envelope.", ex);
        }
    }
}
