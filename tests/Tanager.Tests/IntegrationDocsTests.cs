using System.Text.RegularExpressions;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>docs/integrations.md's examples run as written (only $S, $TOKEN, $WS and $CH are set first).</summary>
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
}
