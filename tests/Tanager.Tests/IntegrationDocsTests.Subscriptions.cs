using System.Text.Json;
using System.Text.RegularExpressions;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

public sealed partial class IntegrationDocsTests
{
    [GeneratedRegex("<!-- subscription-example:start -->\\s*```bash\\n(?<script>.*?)```\\s*<!-- subscription-example:end -->", RegexOptions.Singleline)]
    private static partial Regex SubscriptionExample();

    [GeneratedRegex("<!-- subscription-verify:start -->\\s*```bash\\n(?<script>.*?)```\\s*<!-- subscription-verify:end -->", RegexOptions.Singleline)]
    private static partial Regex SubscriptionVerify();

    [Fact]
    public async Task The_outgoing_webhook_example_subscribes_a_receiver_whose_check_accepts_a_real_delivery_and_refuses_a_tampered_one()
    {
        var doc = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "integrations.md"));
        var script = SubscriptionExample().Match(doc).Groups["script"].Value;
        var verify = SubscriptionVerify().Match(doc).Groups["script"].Value;
        Assert.Contains("curl", script, StringComparison.Ordinal);
        Assert.Contains("openssl", verify, StringComparison.Ordinal);

        // The receiver: a real HTTP server that keeps what it was sent, as the receiving system would see it.
        var deliveries = new TaskCompletionSource<(string Body, string Signature)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var receiver = builder.Build();
        receiver.MapPost("/tanager", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            deliveries.TrySetResult((await reader.ReadToEndAsync(), context.Request.Headers["Tanager-Signature"].ToString()));
            return Results.Ok();
        });
        await receiver.StartAsync();
        var hook = new Uri(receiver.BaseUrl(), "tanager").ToString();

        await using var server = await TestServer.StartAsync(o => o.OutgoingWebhooks.AllowPrivateAddresses = true);
        await using var owner = await server.NewUserAsync("Owner");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var channel = await owner.CreateChannelAsync(workspace.Id, "builds");
        var prelude = $"S={server.Url.ToString().TrimEnd('/')}\nTOKEN={owner.Token}\nWS={workspace.Id}\nCH={channel.Id}\nHOOK={hook}\n";

        await using (var bash = ChildProcess.Start("bash", ["-c", "set -e\n" + prelude + script]))
        {
            await bash.WaitForExitAsync(60);
            Assert.True(bash.ExitCode == 0, $"exit {bash.ExitCode}\n{string.Join('\n', bash.Lines)}\n{bash.Errors}");
            using var created = JsonDocument.Parse(string.Join('\n', bash.Lines));
            var secret = created.RootElement.GetProperty("secret").GetString()!;
            Assert.Equal(hook, created.RootElement.GetProperty("url").GetString());

            var message = await owner.PostMessageAsync(workspace.Id, channel.Id, "Build **42** passed on `main`");
            var (body, signature) = await deliveries.Task.Within();
            using var json = JsonDocument.Parse(body);
            Assert.Equal(message.Id, json.RootElement.GetProperty("data").GetProperty("id").GetString());

            Assert.Equal(["verified"], await RunVerifyAsync(verify, secret, signature, body, expectSuccess: true));
            Assert.Equal(["refused"], await RunVerifyAsync(verify, secret, signature, body.Replace("42", "43", StringComparison.Ordinal), expectSuccess: false));
            Assert.Equal(["refused"], await RunVerifyAsync(verify, secret + "x", signature, body, expectSuccess: false));
        }
    }

    private static async Task<IReadOnlyList<string>> RunVerifyAsync(string verify, string secret, string signature, string body, bool expectSuccess)
    {
        await using var bash = ChildProcess.Start("bash", ["-c", verify], new Dictionary<string, string> { ["SECRET"] = secret, ["SIG"] = signature, ["BODY"] = body });
        await bash.WaitForExitAsync(30);
        Assert.True((bash.ExitCode == 0) == expectSuccess, $"exit {bash.ExitCode}\n{string.Join('\n', bash.Lines)}\n{bash.Errors}");
        return [.. bash.Lines];
    }
}
