using System.Text.Json;
using System.Text.RegularExpressions;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

public sealed partial class IntegrationDocsTests
{
    [GeneratedRegex("<!-- url-command-example:start -->\\s*```bash\\n(?<script>.*?)```\\s*<!-- url-command-example:end -->", RegexOptions.Singleline)]
    private static partial Regex UrlCommandExample();

    [Fact]
    public async Task The_URL_command_example_routes_a_command_to_a_receiver_whose_signed_answer_is_posted()
    {
        var doc = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "integrations.md"));
        var script = UrlCommandExample().Match(doc).Groups["script"].Value;
        var verify = SubscriptionVerify().Match(doc).Groups["script"].Value;
        Assert.Contains("curl", script, StringComparison.Ordinal);

        // The receiver: answers with the weather of the city typed, posted in the channel, and keeps what it was sent.
        var requests = new TaskCompletionSource<(string Body, string Signature)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var receiver = builder.Build();
        receiver.MapPost("/weather", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            requests.TrySetResult((body, context.Request.Headers["Tanager-Signature"].ToString()));
            var city = JsonDocument.Parse(body).RootElement.GetProperty("text").GetString();
            return Results.Text($$"""{"text":"Sunny in {{city}}","visibility":"channel"}""", "application/json");
        });
        await receiver.StartAsync();
        var hook = new Uri(receiver.BaseUrl(), "weather").ToString();

        await using var server = await TestServer.StartAsync(o => o.OutgoingWebhooks.AllowPrivateAddresses = true);
        await using var owner = await server.NewUserAsync("Owner");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var channel = await owner.CreateChannelAsync(workspace.Id, "general");
        var prelude = $"S={server.Url.ToString().TrimEnd('/')}\nTOKEN={owner.Token}\nWS={workspace.Id}\nCH={channel.Id}\nHOOK={hook}\n";

        await using var bash = ChildProcess.Start("bash", ["-c", "set -e\n" + prelude + script]);
        await bash.WaitForExitAsync(60);
        Assert.True(bash.ExitCode == 0, $"exit {bash.ExitCode}\n{string.Join('\n', bash.Lines)}\n{bash.Errors}");
        var lines = bash.Lines.Where(l => l.Length > 0).ToList();
        Assert.True(lines.Count == 2, string.Join('\n', lines));
        using var registered = JsonDocument.Parse(lines[0]);
        var secret = registered.RootElement.GetProperty("secret").GetString()!;
        Assert.Equal(hook, registered.RootElement.GetProperty("url").GetString());
        using var invoked = JsonDocument.Parse(lines[1]);
        var posted = invoked.RootElement.GetProperty("reply").GetProperty("message");
        Assert.Equal("Sunny in Paris", posted.GetProperty("content").GetString());
        Assert.Equal([posted.GetProperty("id").GetString()], (await owner.GetMessagesAsync(workspace.Id, channel.Id)).Messages.Select(m => m.Id));

        // The receiver's check is the one outgoing webhooks document, and it accepts the request.
        var (requestBody, signature) = await requests.Task.Within();
        Assert.Equal(["verified"], await RunVerifyAsync(verify, secret, signature, requestBody, expectSuccess: true));
        Assert.Equal(["refused"], await RunVerifyAsync(verify, secret, signature, requestBody.Replace("Paris", "Lyon", StringComparison.Ordinal), expectSuccess: false));
    }
}
