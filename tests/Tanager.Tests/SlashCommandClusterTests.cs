using System.Collections.Concurrent;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// Slash commands across nodes (PostgreSQL, nats-server, two <c>tanager serve</c> processes): the invocation travels to the
/// bot's node on its own subject, and a reply taken by the other node is checked there (the id is signed, not remembered).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class SlashCommandClusterTests
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task A_command_invoked_on_one_node_reaches_the_bot_on_the_other_whose_ephemeral_reply_reaches_only_the_caller()
    {
        await using var cluster = await TanagerCluster.StartAsync(nodes: 2);
        var (node0, node1) = (cluster.NodeUrl(0), cluster.NodeUrl(1));
        await using var ann = await TanagerClient.RegisterAsync(node0, $"ann-{Guid.NewGuid():N}@example.test", Password, "Ann");
        await using var bea = await TanagerClient.RegisterAsync(node0, $"bea-{Guid.NewGuid():N}@example.test", Password, "Bea");
        var workspace = await ann.CreateWorkspaceAsync("Acme");
        await ann.AddWorkspaceMemberByIdAsync(workspace.Id, bea.User!.Id);
        var channel = await ann.CreateChannelAsync(workspace.Id, "deploys");
        await bea.JoinChannelAsync(workspace.Id, channel.Id);
        var created = await ann.CreateBotAsync(workspace.Id, "Deployer", [Scope.MessagesRead, Scope.CommandsWrite]);

        // The bot lives on node 1 and replies through node 1; Ann and Bea are connected to node 0 and invoke there.
        await using var bot = await TanagerClient.FromTokenAsync(node1, created.Token!.Token!);
        await bot.RegisterCommandAsync(workspace.Id, "deploy", "Deploy a branch");
        bot.Gateway.CommandInvoked += cmd => cmd.ReplyEphemeralAsync($"Deploying {cmd.Args}, for {cmd.UserId}");
        await bot.Gateway.ConnectAsync().Within();
        var annEphemeral = new ConcurrentQueue<EphemeralMessageDto>();
        ann.Gateway.EphemeralMessageReceived += m => { annEphemeral.Enqueue(m); return Task.CompletedTask; };
        var beaDispatches = new ConcurrentQueue<GatewayDispatch>();
        bea.Gateway.Dispatched += d => { beaDispatches.Enqueue(d with { Data = d.Data.Clone() }); return Task.CompletedTask; };
        await ann.Gateway.ConnectAsync().Within();
        await bea.Gateway.ConnectAsync().Within();

        // Node 0 learns that the bot is connected from node 1's presence word for the workspace (repeated every few seconds).
        CommandInvocationDto? invocation = null;
        Assert.True(await Eventually.UntilAsync(async () =>
        {
            try
            {
                invocation = await ann.InvokeCommandAsync(workspace.Id, channel.Id, "deploy", "main");
                return true;
            }
            catch (TanagerApiException refused) when (refused.Code == ErrorCodes.BotUnavailable)
            {
                return false;
            }
        }, seconds: 30), "Node 0 never learned that the bot is connected to node 1.");
        Assert.True(await Eventually.Until(() => !annEphemeral.IsEmpty), "Ann did not receive the bot's ephemeral reply across nodes.");
        Assert.Equal($"Deploying main, for {ann.User!.Id}", Assert.Single(annEphemeral).Content);

        var fence = await ann.PostMessageAsync(workspace.Id, channel.Id, "fence");
        Assert.True(await Eventually.Until(() => beaDispatches.Any(d => d.Type == GatewayEvents.MessageCreate && d.Data.GetProperty("id").GetString() == fence.Id)), "Bea did not get the fence.");
        Assert.DoesNotContain(beaDispatches, d => d.Type is GatewayEvents.EphemeralMessage or GatewayEvents.CommandInvoke);
        Assert.NotNull(invocation);
    }
}
