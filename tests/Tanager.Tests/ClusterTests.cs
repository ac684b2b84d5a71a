using System.Collections.Concurrent;
using System.Globalization;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>One cluster for the class: three <c>tanager serve</c> processes, PostgreSQL, nats-server, a balancer.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    internal TanagerCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await TanagerCluster.StartAsync(nodes: 3);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>
/// Issue 5's promise, proved by killing things: every message reaches every subscriber on every node, in channel order,
/// with nothing lost and nothing twice in the SDK's view, whatever node, broker or connection fails mid-stream.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ClusterTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const int Rounds = 10;
    private TanagerCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Every_message_posted_on_any_node_reaches_every_subscriber_on_every_node_in_channel_order()
    {
        await using var world = await World.CreateAsync(Cluster, subscribers: 6);
        // The balancer deals connections round robin, so the subscribers are spread over the nodes; each node has a poster.
        Assert.True(world.Subscribers.Select(s => s.Node).Distinct().Count() >= 2, "The subscribers all landed on one node.");
        var posters = await Task.WhenAll(Enumerable.Range(0, 3).Select(node => world.PosterOnAsync(Cluster.NodeUrl(node))));
        await Task.WhenAll(posters.Select((poster, node) => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await poster.PostMessageAsync(world.Workspace.Id, world.Channels[i % 2].Id, $"node{node}-{i}");
            }
        })));
        await world.AssertEveryoneHasEverythingAsync(expectedPosts: 150);
        foreach (var poster in posters)
        {
            await poster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Kill_9_of_a_node_mid_stream_loses_and_duplicates_nothing_ten_times_over()
    {
        await using var world = await World.CreateAsync(Cluster, subscribers: 6);
        var random = new Random(5);
        var posts = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var node = round % Cluster.Ports.Length;
            posts += await world.StreamAsync(random, async () =>
            {
                await Cluster.KillNodeAsync(node);
            });
            await Cluster.StartNodeAsync(node);
            await world.AssertEveryoneHasEverythingAsync(posts, $"round {round} (killed node {node})");
        }
        Assert.True(world.Subscribers.Sum(s => s.Disconnects) >= Rounds, "The kills did not disconnect anyone.");
    }

    [Fact]
    public async Task A_nats_server_restart_mid_stream_loses_and_duplicates_nothing_ten_times_over()
    {
        await using var world = await World.CreateAsync(Cluster, subscribers: 6);
        var random = new Random(7);
        var posts = 0;
        for (var round = 0; round < Rounds; round++)
        {
            posts += await world.StreamAsync(random, () => Cluster.Nats.RestartAsync());
            await world.AssertEveryoneHasEverythingAsync(posts, $"round {round} (nats-server restarted)");
        }
    }

    [Fact]
    public async Task A_single_connection_cut_at_a_random_point_loses_and_duplicates_nothing_ten_times_over()
    {
        await using var world = await World.CreateAsync(Cluster, subscribers: 6);
        var random = new Random(11);
        var posts = 0;
        for (var round = 0; round < Rounds; round++)
        {
            posts += await world.StreamAsync(random, () =>
            {
                // Any open link: a subscriber's gateway connection or a poster's HTTP connection.
                var links = Cluster.Balancer.Links;
                links[random.Next(links.Count)].Cut();
                return Task.CompletedTask;
            });
            await world.AssertEveryoneHasEverythingAsync(posts, $"round {round} (one connection cut)");
        }
    }

    [Fact]
    public async Task Presence_and_typing_cross_nodes_and_a_killed_nodes_users_go_offline_within_30_seconds()
    {
        await using var world = await World.CreateAsync(Cluster, subscribers: 0);
        // The typist talks to node 0 directly (no balancer to fail over to); the watcher to node 1.
        var typist = await world.MemberOnAsync(Cluster.NodeUrl(0));
        var watcher = await world.MemberOnAsync(Cluster.NodeUrl(1));
        var statuses = new ConcurrentQueue<string>();
        var typing = new TaskCompletionSource<TypingData>(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.Gateway.PresenceUpdated += p =>
        {
            if (p.UserId == typist.User!.Id)
            {
                statuses.Enqueue(p.Status);
            }
            return Task.CompletedTask;
        };
        watcher.Gateway.TypingStarted += t => Task.FromResult(typing.TrySetResult(t));
        await watcher.Gateway.ConnectAsync().Within();
        await typist.Gateway.ConnectAsync().Within();
        Assert.True(await Eventually.Until(() => statuses.LastOrDefault() == "online"), string.Join(",", statuses));

        await typist.Gateway.SendTypingAsync(world.Workspace.Id, world.Channels[0].Id);
        Assert.Equal(typist.User!.Id, (await typing.Task.Within()).UserId);

        await typist.Gateway.SetPresenceAsync("dnd");
        Assert.True(await Eventually.Until(() => statuses.LastOrDefault() == "dnd"), string.Join(",", statuses));

        var killed = DateTime.UtcNow;
        await Cluster.KillNodeAsync(0);
        Assert.True(await Eventually.Until(() => statuses.LastOrDefault() == "offline", 40), string.Join(",", statuses));
        Assert.True(DateTime.UtcNow - killed < TimeSpan.FromSeconds(30), $"offline after {DateTime.UtcNow - killed}");
        await typist.DisposeAsync();
        await watcher.DisposeAsync();
        await Cluster.StartNodeAsync(0);
    }

    /// <summary>A workspace with two channels, an owner who posts, and subscribers connected through the balancer.</summary>
    private sealed class World : IAsyncDisposable
    {
        private const string Password = "correct horse battery";
        private readonly TanagerCluster _cluster;
        private readonly List<TanagerClient> _clients = [];

        private World(TanagerCluster cluster, TanagerClient owner, WorkspaceDto workspace, ChannelDto[] channels)
        {
            _cluster = cluster;
            Owner = owner;
            Workspace = workspace;
            Channels = channels;
            _clients.Add(owner);
        }

        public TanagerClient Owner { get; }
        public WorkspaceDto Workspace { get; }
        public ChannelDto[] Channels { get; }
        public List<Subscriber> Subscribers { get; } = [];

        public static async Task<World> CreateAsync(TanagerCluster cluster, int subscribers)
        {
            var owner = await TanagerClient.RegisterAsync(cluster.Balancer.Url, Email(), Password, "Owner");
            var workspace = await owner.CreateWorkspaceAsync("Cluster");
            var channels = new[] { await owner.CreateChannelAsync(workspace.Id, "one"), await owner.CreateChannelAsync(workspace.Id, "two") };
            var world = new World(cluster, owner, workspace, channels);
            for (var i = 0; i < subscribers; i++)
            {
                var member = await world.MemberOnAsync(cluster.Balancer.Url);
                var subscriber = new Subscriber(member);
                await member.Gateway.ConnectAsync().Within();
                subscriber.Node = cluster.Balancer.Links.Last().BackendPort;
                world.Subscribers.Add(subscriber);
            }
            return world;
        }

        /// <summary>A new workspace member in both channels, talking to <paramref name="server"/>.</summary>
        public async Task<TanagerClient> MemberOnAsync(Uri server)
        {
            var email = Email();
            await using (var registered = await TanagerClient.RegisterAsync(server, email, Password, "Member"))
            {
                await Owner.AddWorkspaceMemberByIdAsync(Workspace.Id, registered.User!.Id);
                foreach (var channel in Channels)
                {
                    await registered.JoinChannelAsync(Workspace.Id, channel.Id);
                }
            }
            var member = await TanagerClient.LoginAsync(server, email, Password);
            _clients.Add(member);
            return member;
        }

        public async Task<TanagerClient> PosterOnAsync(Uri server)
        {
            var poster = new TanagerClient(server, Owner.Token);
            _clients.Add(poster);
            return await Task.FromResult(poster);
        }

        /// <summary>
        /// Three posters post without pause through the balancer; <paramref name="fault"/> strikes at a random point,
        /// the stream goes on a while, then stops. Returns how many posts were acknowledged (all must be).
        /// </summary>
        public async Task<int> StreamAsync(Random random, Func<Task> fault)
        {
            using var stop = new CancellationTokenSource();
            var posters = Enumerable.Range(0, 3).Select(p => new TanagerClient(_cluster.Balancer.Url, Owner.Token)).ToList();
            var failures = new ConcurrentQueue<Exception>();
            var acknowledged = 0;
            var streams = posters.Select((poster, p) => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        await poster.PostMessageAsync(Workspace.Id, Channels[(p + i) % 2].Id, string.Create(CultureInfo.InvariantCulture, $"p{p}-{i}"));
                        Interlocked.Increment(ref acknowledged);
                    }
                    catch (Exception exception) when (exception is HttpRequestException or TanagerApiException or TaskCanceledException)
                    {
                        failures.Enqueue(exception);
                    }
                }
            })).ToList();
            await Task.Delay(random.Next(100, 600));
            await fault();
            await Task.Delay(random.Next(500, 1000));
            await stop.CancelAsync();
            await Task.WhenAll(streams);
            foreach (var poster in posters)
            {
                await poster.DisposeAsync();
            }
            Assert.True(failures.IsEmpty, $"{failures.Count} posts failed: {failures.FirstOrDefault()}");
            return acknowledged;
        }

        /// <summary>Every subscriber ends with each channel's whole history, 1..head in order, nothing twice.</summary>
        public async Task AssertEveryoneHasEverythingAsync(int expectedPosts, string when = "")
        {
            var heads = new Dictionary<string, long>();
            foreach (var channel in Channels)
            {
                heads[channel.Id] = (await Owner.GetChannelAsync(Workspace.Id, channel.Id)).LastSequence;
            }
            // Each acknowledged post is exactly one message: retried sends (same nonce) were not stored twice.
            Assert.Equal(expectedPosts, heads.Values.Sum());
            var complete = await Eventually.Until(() => Subscribers.All(s => heads.All(h => s.Count(h.Key) >= h.Value)), 60);
            Assert.True(complete, $"{when}: heads {string.Join(",", heads.Values)}; subscribers have " +
                string.Join(" | ", Subscribers.Select(s => string.Join(",", Channels.Select(c => s.Count(c.Id))))));
            await Task.Delay(200);
            foreach (var subscriber in Subscribers)
            {
                foreach (var (channel, head) in heads)
                {
                    Assert.Equal(Enumerable.Range(1, (int)head).Select(i => (long)i), subscriber.Sequences(channel));
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var client in _clients)
            {
                await client.DisposeAsync();
            }
        }

        private static string Email() => $"u-{Guid.NewGuid():N}@example.test";
    }

    private sealed class Subscriber
    {
        private readonly ConcurrentDictionary<string, ConcurrentQueue<long>> _received = new();
        private int _disconnects;

        public Subscriber(TanagerClient client)
        {
            Client = client;
            client.Gateway.MessageCreated += m =>
            {
                _received.GetOrAdd(m.ChannelId, _ => new ConcurrentQueue<long>()).Enqueue(m.Sequence);
                return Task.CompletedTask;
            };
            client.Gateway.Disconnected += _ =>
            {
                Interlocked.Increment(ref _disconnects);
                return Task.CompletedTask;
            };
        }

        public TanagerClient Client { get; }
        public int Node { get; set; }
        public int Disconnects => Volatile.Read(ref _disconnects);
        public int Count(string channel) => _received.TryGetValue(channel, out var q) ? q.Count : 0;
        public long[] Sequences(string channel) => _received.TryGetValue(channel, out var q) ? [.. q] : [];
    }
}
