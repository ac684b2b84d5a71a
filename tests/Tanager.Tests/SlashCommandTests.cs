using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// Issue 14, Done-when 3: a slash command reaches a bot written with Tanager.Client, and its ephemeral reply reaches only
/// the caller; a posted reply is a message in history; replies with another bot's, an altered or an expired invocation id
/// are refused.
/// </summary>
public sealed class SlashCommandTests
{
    private static readonly string[] BotScopes = [Scope.MessagesRead, Scope.MessagesWrite, Scope.ChannelsManage, Scope.CommandsWrite];

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_command_reaches_the_bot_and_its_ephemeral_reply_reaches_only_the_caller(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        await using var ann = await server.NewUserAsync("Ann");
        await using var bea = await server.NewUserAsync("Bea");
        var workspace = await ann.CreateWorkspaceAsync("Acme");
        await ann.AddWorkspaceMemberByIdAsync(workspace.Id, bea.User!.Id);
        var channel = await ann.CreateChannelAsync(workspace.Id, "deploys");
        await bea.JoinChannelAsync(workspace.Id, channel.Id);

        // The bot: a handful of lines of Tanager.Client.
        var created = await ann.CreateBotAsync(workspace.Id, "Deployer", BotScopes);
        await using var bot = await TanagerClient.FromTokenAsync(server.Url, created.Token!.Token!);
        var registered = await bot.RegisterCommandAsync(workspace.Id, "deploy", "Deploy a branch", "[branch]");
        var invocations = new ConcurrentQueue<CommandInvocation>();
        bot.Gateway.CommandInvoked += async command =>
        {
            invocations.Enqueue(command);
            if (command.Args == "prod")
            {
                await command.ReplyEphemeralAsync($"Deploying {command.Args}, just for you");
            }
            else
            {
                await command.ReplyAsync($"Deployed {command.Args}");
            }
        };
        await bot.Gateway.ConnectAsync().Within();
        Assert.Equal(("deploy", "Deploy a branch", "[branch]", created.User.Id), (registered.Name, registered.Description, registered.UsageHint, registered.BotUserId));
        Assert.Equal(["deploy"], (await bea.ListCommandsAsync(workspace.Id)).Select(c => c.Name));
        // Registering again updates it: a bot may register its commands at every start.
        var updated = await bot.RegisterCommandAsync(workspace.Id, "deploy", "Deploy a branch to an environment", "[branch]");
        Assert.Equal("Deploy a branch to an environment", Assert.Single(await ann.ListCommandsAsync(workspace.Id)).Description);
        Assert.Equal(registered.CreatedAt, updated.CreatedAt);

        var annEphemeral = new ConcurrentQueue<EphemeralMessageDto>();
        var annMessages = new ConcurrentQueue<MessageDto>();
        ann.Gateway.EphemeralMessageReceived += m => { annEphemeral.Enqueue(m); return Task.CompletedTask; };
        ann.Gateway.MessageCreated += m => { annMessages.Enqueue(m); return Task.CompletedTask; };
        var beaDispatches = new ConcurrentQueue<GatewayDispatch>();
        bea.Gateway.Dispatched += d => { beaDispatches.Enqueue(d with { Data = d.Data.Clone() }); return Task.CompletedTask; };
        await ann.Gateway.ConnectAsync().Within();
        await bea.Gateway.ConnectAsync().Within();

        var invocation = await ann.InvokeCommandAsync(workspace.Id, channel.Id, "deploy", "prod");
        Assert.Equal(("deploy", "prod", ann.User!.Id, created.User.Id, channel.Id), (invocation.Command, invocation.Args, invocation.UserId, invocation.BotUserId, invocation.ChannelId));
        Assert.True(await Eventually.Until(() => !annEphemeral.IsEmpty), "Ann did not receive the bot's ephemeral reply.");
        var ephemeral = Assert.Single(annEphemeral);
        Assert.Equal(("Deploying prod, just for you", created.User.Id, ann.User.Id, channel.Id, "deploy"), (ephemeral.Content, ephemeral.AuthorId, ephemeral.UserId, ephemeral.ChannelId, ephemeral.Command));
        var received = Assert.Single(invocations);
        Assert.Equal((invocation.Id, ann.User.Id, workspace.Id), (received.Invocation.Id, received.UserId, received.WorkspaceId));

        // A fence: once Ann's later message reached Bea, anything published before it would have too.
        var fence = await ann.PostMessageAsync(workspace.Id, channel.Id, "fence");
        Assert.True(await Eventually.Until(() => beaDispatches.Any(d => d.Type == GatewayEvents.MessageCreate && d.Data.GetProperty("id").GetString() == fence.Id)), "Bea did not get the fence.");
        Assert.DoesNotContain(beaDispatches, d => d.Type is GatewayEvents.EphemeralMessage or GatewayEvents.CommandInvoke);
        Assert.DoesNotContain(beaDispatches, d => d.Data.GetRawText().Contains("just for you", StringComparison.Ordinal));
        // Never stored: the channel's history has the fence and no reply.
        Assert.DoesNotContain((await ann.GetMessagesAsync(workspace.Id, channel.Id)).Messages, m => m.Content.Contains("just for you", StringComparison.Ordinal));

        // A posted reply is the bot's message in the channel, for everyone (the bot joins to post there).
        await bot.JoinChannelAsync(workspace.Id, channel.Id);
        await ann.InvokeCommandAsync(workspace.Id, channel.Id, "deploy", "staging");
        Assert.True(await Eventually.Until(() => annMessages.Any(m => m.Content == "Deployed staging" && m.AuthorId == created.User.Id)), "The posted reply did not reach Ann.");
        Assert.Contains((await bea.GetMessagesAsync(workspace.Id, channel.Id)).Messages, m => m.Content == "Deployed staging" && m.AuthorId == created.User.Id);

        // Another bot may not answer this one's invocation, nor take its name; an altered id is no id.
        var other = await ann.CreateBotAsync(workspace.Id, "Intruder", BotScopes);
        await using var intruder = await TanagerClient.FromTokenAsync(server.Url, other.Token!.Token!);
        await AssertRefusedAsync(404, ErrorCodes.UnknownInvocation, () => intruder.ReplyToCommandAsync(workspace.Id, invocation.Id, "hijacked", ephemeral: true));
        await AssertRefusedAsync(409, ErrorCodes.CommandTaken, () => intruder.RegisterCommandAsync(workspace.Id, "deploy", "Mine now"));
        var altered = invocation.Id[..^2] + (invocation.Id[^2] == 'A' ? 'B' : 'A') + invocation.Id[^1];
        await AssertRefusedAsync(404, ErrorCodes.UnknownInvocation, () => bot.ReplyToCommandAsync(workspace.Id, altered, "altered", ephemeral: true));
        await AssertRefusedAsync(404, ErrorCodes.UnknownCommand, () => ann.InvokeCommandAsync(workspace.Id, channel.Id, "rollback"));

        // Deleted by the bot's owner: invoking it is 404, and its pending invocations can no longer be answered.
        await ann.DeleteCommandAsync(workspace.Id, "deploy");
        await AssertRefusedAsync(404, ErrorCodes.UnknownCommand, () => ann.InvokeCommandAsync(workspace.Id, channel.Id, "deploy", "prod"));
        await AssertRefusedAsync(404, ErrorCodes.UnknownInvocation, () => bot.ReplyToCommandAsync(workspace.Id, invocation.Id, "late", ephemeral: true));
        Assert.Empty(await bea.ListCommandsAsync(workspace.Id));
    }

    [Fact]
    public async Task Guests_outsiders_and_offline_bots_are_refused_and_an_expired_invocation_cannot_be_answered()
    {
        var clock = new ShiftedClock();
        await using var server = await TestServer.StartAsync(TestServer.InMemorySettings(), services: s => s.AddSingleton<TimeProvider>(clock));
        await using var ann = await server.NewUserAsync("Ann");
        await using var guest = await server.NewUserAsync("Gus");
        await using var outsider = await server.NewUserAsync("Olga");
        var workspace = await ann.CreateWorkspaceAsync("Acme");
        await ann.AddWorkspaceMemberByIdAsync(workspace.Id, guest.User!.Id, "guest");
        var channel = await ann.CreateChannelAsync(workspace.Id, "ops");
        await ann.AddChannelMemberAsync(workspace.Id, channel.Id, guest.User.Id);
        var created = await ann.CreateBotAsync(workspace.Id, "Ops", BotScopes);
        await using var bot = await TanagerClient.FromTokenAsync(server.Url, created.Token!.Token!);

        // Names are checked; a person names the bot; a guest registers nothing.
        await AssertRefusedAsync(400, ErrorCodes.InvalidRequest, () => bot.RegisterCommandAsync(workspace.Id, "Deploy", "Upper case"));
        await AssertRefusedAsync(400, ErrorCodes.InvalidRequest, () => bot.RegisterCommandAsync(workspace.Id, new string('a', 33), "Too long"));
        await AssertRefusedAsync(400, ErrorCodes.InvalidRequest, () => bot.RegisterCommandAsync(workspace.Id, "status", ""));
        await AssertRefusedAsync(400, ErrorCodes.InvalidRequest, () => ann.RegisterCommandAsync(workspace.Id, "status", "No bot named"));
        await AssertRefusedAsync(403, ErrorCodes.Forbidden, () => guest.RegisterCommandAsync(workspace.Id, "status", "A guest's", botId: created.User.Id));
        // The owner registers it on the bot's behalf.
        var status = await ann.RegisterCommandAsync(workspace.Id, "status", "Show the status", botId: created.User.Id);
        Assert.Equal(created.User.Id, status.BotUserId);

        // The bot is not connected yet: the caller is told at once.
        await AssertRefusedAsync(503, ErrorCodes.BotUnavailable, () => ann.InvokeCommandAsync(workspace.Id, channel.Id, "status"));

        var invocations = new ConcurrentQueue<CommandInvocation>();
        bot.Gateway.CommandInvoked += c => { invocations.Enqueue(c); return Task.CompletedTask; };
        await bot.Gateway.ConnectAsync().Within();
        await AssertRefusedAsync(403, ErrorCodes.Forbidden, () => guest.InvokeCommandAsync(workspace.Id, channel.Id, "status"));
        await AssertRefusedAsync(404, ErrorCodes.NotFound, () => outsider.InvokeCommandAsync(workspace.Id, channel.Id, "status"));
        await AssertRefusedAsync(404, ErrorCodes.NotFound, () => outsider.ListCommandsAsync(workspace.Id));
        await AssertRefusedAsync(400, ErrorCodes.InvalidRequest, () => ann.InvokeCommandAsync(workspace.Id, channel.Id, "status", "bell\u0007"));

        var invocation = await ann.InvokeCommandAsync(workspace.Id, channel.Id, "/status", "all");
        Assert.True(await Eventually.Until(() => !invocations.IsEmpty), "The bot did not receive the invocation.");
        Assert.Equal(("status", "all"), (invocation.Command, invocation.Args));
        Assert.Equal(TimeSpan.FromMinutes(15), invocation.ExpiresAt - invocation.CreatedAt);

        // Past its 15 minutes, the invocation cannot be answered.
        clock.Offset = TimeSpan.FromMinutes(16);
        await AssertRefusedAsync(404, ErrorCodes.UnknownInvocation, () => Assert.Single(invocations).ReplyEphemeralAsync("too late"));
        clock.Offset = TimeSpan.FromMinutes(14);
        Assert.True((await Assert.Single(invocations).ReplyEphemeralAsync("in time")).Ephemeral);
    }

    private static async Task AssertRefusedAsync(int status, string code, Func<Task> call)
    {
        var refused = await Assert.ThrowsAsync<TanagerApiException>(call);
        Assert.True(refused.Status == status && refused.Code == code, $"Expected {status} {code}, got {refused.Status} {refused.Code}: {refused.Message}");
    }

    /// <summary>The system clock moved by <see cref="Offset"/>: only wall-clock time, so timers and timestamps run as ever.</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
    }
}
