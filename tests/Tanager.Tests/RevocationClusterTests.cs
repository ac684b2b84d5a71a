using System.Collections.Concurrent;
using System.Diagnostics;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// Issue 9, Done-when #3, on two <c>tanager serve</c> nodes sharing PostgreSQL and NATS: revoking a session closes its
/// gateway connection on the other node within a second, and removing a member from a workspace stops that member's
/// events on every node at once, without waiting for a reconnect.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class RevocationClusterTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private TanagerCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await TanagerCluster.StartAsync(nodes: 2);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Revoking_a_session_or_a_bot_token_on_one_node_closes_its_gateway_connection_on_the_other_within_a_second()
    {
        var email = $"ann-{Guid.NewGuid():N}@example.test";
        await using var onNode0 = await TanagerClient.RegisterAsync(_cluster.NodeUrl(0), email, Password, "Ann");
        await using var laptop = await TanagerClient.LoginAsync(_cluster.NodeUrl(1), email, Password);
        await using var laptopGateway = await RawGatewayClient.ConnectAsync(_cluster.NodeUrl(1));
        await laptopGateway.IdentifyAsync(laptop.Token!);
        var workspace = await onNode0.CreateWorkspaceAsync("Acme");
        var bot = await onNode0.CreateBotAsync(workspace.Id, "Helper");
        await using var botGateway = await RawGatewayClient.ConnectAsync(_cluster.NodeUrl(1));
        await botGateway.IdentifyAsync(bot.Token!.Token!);

        var laptopSession = Assert.Single(await onNode0.ListSessionsAsync(), s => !s.Current);
        var sessionClosed = laptopGateway.ReadCloseCodeAsync();
        var clock = Stopwatch.StartNew();
        await onNode0.RevokeSessionAsync(laptopSession.Id);
        var sessionCode = await sessionClosed.Within(5);
        var sessionElapsed = clock.Elapsed;

        var botClosed = botGateway.ReadCloseCodeAsync();
        clock.Restart();
        await onNode0.RevokeBotTokenAsync(bot.User.Id, bot.Token.Id);
        var botCode = await botClosed.Within(5);
        var botElapsed = clock.Elapsed;

        Assert.Equal(GatewayCloseCodes.AuthenticationFailed, sessionCode);
        Assert.Equal(GatewayCloseCodes.AuthenticationFailed, botCode);
        Assert.True(sessionElapsed < TimeSpan.FromSeconds(1), $"The session's connection on node 1 closed {sessionElapsed.TotalMilliseconds:F0} ms after the revocation on node 0.");
        Assert.True(botElapsed < TimeSpan.FromSeconds(1), $"The bot's connection on node 1 closed {botElapsed.TotalMilliseconds:F0} ms after the revocation on node 0.");
        // The revoking session's own connections stay up: only the revoked credential is affected.
        Assert.Equal(onNode0.User!.Id, (await onNode0.GetMeAsync()).Id);
    }

    [Fact]
    public async Task A_member_removed_from_a_workspace_stops_receiving_its_events_on_every_node_at_once()
    {
        await using var owner = await TanagerClient.RegisterAsync(_cluster.NodeUrl(0), $"owner-{Guid.NewGuid():N}@example.test", Password, "Owner");
        await using var bob = await TanagerClient.RegisterAsync(_cluster.NodeUrl(0), $"bob-{Guid.NewGuid():N}@example.test", Password, "Bob");
        await using var carol = await TanagerClient.RegisterAsync(_cluster.NodeUrl(1), $"carol-{Guid.NewGuid():N}@example.test", Password, "Carol");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var channel = await owner.CreateChannelAsync(workspace.Id, "general");
        foreach (var member in new[] { bob, carol })
        {
            await owner.AddWorkspaceMemberByIdAsync(workspace.Id, member.User!.Id);
            await member.JoinChannelAsync(workspace.Id, channel.Id);
        }

        // Bob is connected to both nodes; Carol, who stays, is the control on node 1.
        await using var bobOn0 = await Feed.ConnectAsync(_cluster.NodeUrl(0), bob.Token!);
        await using var bobOn1 = await Feed.ConnectAsync(_cluster.NodeUrl(1), bob.Token!);
        await using var carolOn1 = await Feed.ConnectAsync(_cluster.NodeUrl(1), carol.Token!);
        await owner.PostMessageAsync(workspace.Id, channel.Id, "before");
        foreach (var feed in new[] { bobOn0, bobOn1, carolOn1 })
        {
            Assert.True(await feed.UntilAsync(d => d.Type == GatewayEvents.MessageCreate && d.Data.GetRawText().Contains("before", StringComparison.Ordinal)), "A member missed the first message.");
        }

        await owner.RemoveWorkspaceMemberAsync(workspace.Id, bob.User!.Id);
        Assert.True(await bobOn0.UntilAsync(d => d.Type == GatewayEvents.WorkspaceMemberRemove), "Bob's node-0 connection was not told he was removed.");
        Assert.True(await bobOn1.UntilAsync(d => d.Type == GatewayEvents.WorkspaceMemberRemove), "Bob's node-1 connection was not told he was removed.");
        await owner.PostMessageAsync(workspace.Id, channel.Id, "after");
        await owner.RenameWorkspaceAsync(workspace.Id, "Acme renamed");
        Assert.True(await carolOn1.UntilAsync(d => d.Type == GatewayEvents.WorkspaceUpdate), "Carol missed the events after the removal, so their absence for Bob proves nothing.");
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        foreach (var (feed, node) in new[] { (bobOn0, 0), (bobOn1, 1) })
        {
            var leaked = feed.Since(GatewayEvents.WorkspaceMemberRemove).Where(d => d.Type is GatewayEvents.MessageCreate or GatewayEvents.WorkspaceUpdate).ToList();
            Assert.True(leaked.Count == 0, $"Bob's connection on node {node} still received: {string.Join(", ", leaked.Select(d => d.Type))}");
        }
    }

    /// <summary>One SDK gateway connection pinned to a node, recording every dispatch.</summary>
    private sealed class Feed : IAsyncDisposable
    {
        private readonly TanagerClient _client;
        private readonly ConcurrentQueue<GatewayDispatch> _dispatches = new();

        private Feed(TanagerClient client)
        {
            _client = client;
            _client.Gateway.Dispatched += d =>
            {
                _dispatches.Enqueue(new GatewayDispatch(d.Type, d.Data.Clone()));
                return Task.CompletedTask;
            };
        }

        public static async Task<Feed> ConnectAsync(Uri node, string token)
        {
            var feed = new Feed(new TanagerClient(node, token));
            await feed._client.Gateway.ConnectAsync().Within();
            return feed;
        }

        public Task<bool> UntilAsync(Func<GatewayDispatch, bool> condition) => Eventually.Until(() => _dispatches.Any(condition), 10);

        /// <summary>What arrived after the first dispatch of <paramref name="eventName"/>.</summary>
        public IEnumerable<GatewayDispatch> Since(string eventName) => _dispatches.SkipWhile(d => d.Type != eventName).Skip(1);

        public ValueTask DisposeAsync() => _client.DisposeAsync();
    }
}
