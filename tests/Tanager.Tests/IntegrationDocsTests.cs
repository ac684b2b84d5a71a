using System.Text.RegularExpressions;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>docs/integrations.md's examples run as written (only $S, $TOKEN, $BOT, $WS and $CH are set first).</summary>
public sealed partial class IntegrationDocsTests
{
    [GeneratedRegex("<!-- webhook-example:start -->\\s*```bash\\n(?<script>.*?)```\\s*<!-- webhook-example:end -->", RegexOptions.Singleline)]
    private static partial Regex WebhookExample();

    [Fact]
    public async Task The_incoming_webhook_example_posts_a_message_the_channel_shows()
    {
        var doc = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "integrations.md"));
        var script = WebhookExample().Match(doc).Groups["script"].Value;
        Assert.Contains("curl", script, StringComparison.Ordinal);
        await using var server = await TestServer.StartAsync();
        await using var owner = await server.NewUserAsync("Owner");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var channel = await owner.CreateChannelAsync(workspace.Id, "builds");
        var prelude = $"S={server.Url.ToString().TrimEnd('/')}\nTOKEN={owner.Token}\nWS={workspace.Id}\nCH={channel.Id}\n";

        await using var bash = ChildProcess.Start("bash", ["-c", "set -e\n" + prelude + script]);
        await bash.WaitForExitAsync(60);

        Assert.True(bash.ExitCode == 0, $"exit {bash.ExitCode}\n{string.Join('\n', bash.Lines)}\n{bash.Errors}");
        var hook = Assert.Single(await owner.ListIncomingWebhooksAsync(workspace.Id, channel.Id));
        var message = Assert.Single((await owner.GetMessagesAsync(workspace.Id, channel.Id)).Messages);
        Assert.Equal(("Build **42** passed on `main`", hook.BotUserId), (message.Content, message.AuthorId));
        Assert.Contains($"\"id\":\"{message.Id}\"", string.Join('\n', bash.Lines), StringComparison.Ordinal);
    }

    [GeneratedRegex("<!-- command-bot:start -->\\s*```csharp\\n(?<code>.*?)```\\s*<!-- command-bot:end -->", RegexOptions.Singleline)]
    private static partial Regex CommandBot();

    [GeneratedRegex("<!-- command-example:start -->\\s*```bash\\n(?<script>.*?)```\\s*<!-- command-example:end -->", RegexOptions.Singleline)]
    private static partial Regex CommandExample();

    /// <summary>The handler line of the documented bot, which this test runs as the bot (RunAsync is ConnectAsync here).</summary>
    private const string HandlerLine = "bot.Gateway.CommandInvoked += cmd => cmd.ReplyEphemeralAsync($\"Deploying {cmd.Args}…\");";

    [Fact]
    public async Task The_slash_command_example_reaches_the_documented_bot_whose_ephemeral_reply_reaches_the_caller()
    {
        var doc = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "integrations.md"));
        Assert.Contains(HandlerLine, CommandBot().Match(doc).Groups["code"].Value, StringComparison.Ordinal);
        var script = CommandExample().Match(doc).Groups["script"].Value;
        Assert.Contains("curl", script, StringComparison.Ordinal);
        await using var server = await TestServer.StartAsync();
        await using var owner = await server.NewUserAsync("Owner");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var channel = await owner.CreateChannelAsync(workspace.Id, "deploys");
        var created = await owner.CreateBotAsync(workspace.Id, "Deployer", [Scope.MessagesRead, Scope.CommandsWrite]);

        // The documented bot, its handler as written.
        await using var bot = await TanagerClient.FromTokenAsync(server.Url, created.Token!.Token!);
        bot.Gateway.CommandInvoked += cmd => cmd.ReplyEphemeralAsync($"Deploying {cmd.Args}…");
        await bot.Gateway.ConnectAsync().Within();
        var ephemeral = new TaskCompletionSource<EphemeralMessageDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        owner.Gateway.EphemeralMessageReceived += m => { ephemeral.TrySetResult(m); return Task.CompletedTask; };
        await owner.Gateway.ConnectAsync().Within();

        var prelude = $"S={server.Url.ToString().TrimEnd('/')}\nTOKEN={owner.Token}\nBOT={created.Token.Token}\nWS={workspace.Id}\nCH={channel.Id}\n";
        await using var bash = ChildProcess.Start("bash", ["-c", "set -e\n" + prelude + script]);
        await bash.WaitForExitAsync(60);

        Assert.True(bash.ExitCode == 0, $"exit {bash.ExitCode}\n{string.Join('\n', bash.Lines)}\n{bash.Errors}");
        var output = string.Join('\n', bash.Lines);
        Assert.Contains("\"name\":\"deploy\"", output, StringComparison.Ordinal);
        Assert.Contains("\"args\":\"main\"", output, StringComparison.Ordinal);
        var reply = await ephemeral.Task.Within();
        Assert.Equal(("Deploying main…", created.User.Id, channel.Id), (reply.Content, reply.AuthorId, reply.ChannelId));
        Assert.Empty((await owner.GetMessagesAsync(workspace.Id, channel.Id)).Messages);
    }
}
