using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NUlid;
using Tanager.Protocol;

namespace Tanager.Benchmarks;

/// <summary>
/// The whole per-recipient path, sessions included: one MESSAGE_CREATE published with its typed header through
/// <see cref="EventDispatcher"/> → <see cref="InProcessPubSub"/> → <see cref="FanOut"/> (one lock per event) → each
/// identified <see cref="GatewaySession"/>'s channel stream (excepted-user check, in-order check against the channel's
/// change sequence) → its real <c>WebSocketConnection</c>'s bounded queue. Every session really IDENTIFYs (READY read
/// from an in-memory store) before the run, and every event takes the channel's next change sequence, so each one goes
/// through the ordering's live path exactly as in production.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(FanOutConfig))]
public class SessionFanOutBenchmarks
{
    private SubscriberQueues _queues = null!;
    private EventDispatcher _dispatcher = null!;
    private GatewayHub _hub = null!;
    private readonly List<GatewaySession> _sessions = [];
    private Ulid _workspace;
    private Ulid _channel;
    private long _sequence;

    [Params(1000, 10000)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var store = new InMemoryStore();
        var options = Options.Create(new TanagerOptions());
        var time = TimeProvider.System;
        var pubSub = new InProcessPubSub();
        var fanOut = new FanOut(pubSub);
        _dispatcher = new EventDispatcher(pubSub);
        var presence = new PresenceTracker(pubSub, fanOut, options, time, NullLogger<PresenceTracker>.Instance);
        var audit = new AuditLog(store, time, Microsoft.Extensions.Logging.Abstractions.NullLogger<AuditLog>.Instance);
        var workspaces = new WorkspaceService(store, store, _dispatcher, audit, options, time);
        var accounts = new AccountService(store, store, store, workspaces, _dispatcher, new PasswordHasher(options), audit, options, time);
        var connections = new ConnectionService(store, store, store, store, _dispatcher, presence, options);
        _hub = new GatewayHub(accounts, connections, pubSub, fanOut, presence, options, time, NullLogger<GatewayHub>.Instance);

        var now = DateTimeOffset.UtcNow;
        var users = Enumerable.Range(0, Subscribers).Select(i => new User(Ulid.NewUlid(), $"u{i}@example.test", $"User {i}", "", now, now)).ToList();
        foreach (var user in users)
        {
            await store.TryCreateAsync(user);
        }
        var workspace = new Workspace(Ulid.NewUlid(), "Bench", users[0].Id, now, now);
        await store.CreateAsync(workspace, new WorkspaceMember(workspace.Id, users[0].Id, WorkspaceRole.Owner, now));
        var channel = new Channel(workspace.Id, Ulid.NewUlid(), "general", ChannelKind.Public, null, 0, now, now);
        await store.TryCreateAsync(channel, new ChannelMember(workspace.Id, channel.Id, users[0].Id, now));
        foreach (var user in users.Skip(1))
        {
            await store.TryAddMemberAsync(new WorkspaceMember(workspace.Id, user.Id, WorkspaceRole.Member, now));
            await store.TryAddMemberAsync(new ChannelMember(workspace.Id, channel.Id, user.Id, now));
        }
        (_workspace, _channel) = (workspace.Id, channel.Id);

        _queues = new SubscriberQueues(Subscribers, options.Value.Gateway);
        for (var i = 0; i < Subscribers; i++)
        {
            var session = _hub.Connect(_queues.Connections[i], clientHeartbeats: false);
            if (!await session.StartAsync(new Caller(users[i], CredentialKind.Login, Ulid.NewUlid(), null), null))
            {
                throw new InvalidOperationException("A session did not identify.");
            }
            _sessions.Add(session);
        }
        _queues.Drain(); // READY

        // Guard the path, not just the speed: one publish reaches every session's queue exactly once.
        await Publish();
        if (_queues.Drain() != 1)
        {
            throw new InvalidOperationException("A session did not get the event exactly once.");
        }
    }

    [Benchmark]
    public ValueTask Publish() =>
        _dispatcher.PublishAsync(EventHeader.ForChannel(GatewayEvents.MessageCreate, _workspace, _channel, ++_sequence), SampleEvent.Message, TanagerJsonContext.Default.MessageDto);

    /// <summary>Empties the queues; throws unless every session got the same events (none dropped or held).</summary>
    [IterationCleanup]
    public void DrainQueues() => _queues.Drain();

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (var session in _sessions)
        {
            await session.DisposeAsync();
        }
        await _hub.DisposeAsync();
        await _queues.DisposeAsync();
    }
}
