using System.Net;
using System.Text.Json;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>Issue 14, done-when 1: incoming webhooks, posted to with curl as a third party's system would.</summary>
public sealed class WebhookTests
{
    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Curl_posts_through_an_incoming_webhook_a_member_sees_it_live_and_a_deleted_hook_answers_404(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        await using var owner = await server.NewUserAsync("Owner");
        await using var member = await server.NewUserAsync("Member");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        await owner.AddWorkspaceMemberByIdAsync(workspace.Id, member.User!.Id);
        var channel = await owner.CreateChannelAsync(workspace.Id, "deploys");
        await member.JoinChannelAsync(workspace.Id, channel.Id);

        var hook = await owner.CreateIncomingWebhookAsync(workspace.Id, channel.Id, "CI", "https://ci.example.test/logo.png");
        Assert.Equal(new Uri(server.Url, $"api/v1/webhooks/{hook.Id}/{hook.Token}").ToString(), hook.Url);
        Assert.StartsWith("tgw_", hook.Token, StringComparison.Ordinal);
        // Listed without its secret.
        var listed = Assert.Single(await owner.ListIncomingWebhooksAsync(workspace.Id, channel.Id));
        Assert.Equal((hook.Id, "CI", "https://ci.example.test/logo.png", hook.BotUserId), (listed.Id, listed.Name, listed.AvatarUrl, listed.BotUserId));
        Assert.Null(listed.Url);
        Assert.Null(listed.Token);

        var received = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        member.Gateway.Dispatched += d =>
        {
            if (d.Type == "MESSAGE_CREATE" && d.Data.GetProperty("content").GetString() == "Build **42** passed")
            {
                received.TrySetResult(d.Data.Clone());
            }
            return Task.CompletedTask;
        };
        await member.Gateway.ConnectAsync().Within();

        var (status, body) = await CurlAsync("-X", "POST", hook.Url!, "-H", "content-type: application/json", "-d", """{"content":"Build **42** passed"}""");
        Assert.Equal(201, status);
        var posted = JsonSerializer.Deserialize(body, TanagerJsonContext.Default.MessageDto)!;
        Assert.Equal(hook.BotUserId, posted.AuthorId);
        var live = await received.Task.Within();
        Assert.Equal(posted.Id, live.GetProperty("id").GetString());
        Assert.Equal(hook.BotUserId, live.GetProperty("author_id").GetString());
        // In history like any message, by the hook's bot, which carries the hook's name and avatar.
        Assert.Contains((await member.GetMessagesAsync(workspace.Id, channel.Id)).Messages, m => m.Id == posted.Id && m.AuthorId == hook.BotUserId);
        var bot = (await member.GetWorkspaceMemberAsync(workspace.Id, hook.BotUserId)).User;
        Assert.Equal(("CI", "https://ci.example.test/logo.png"), (bot.DisplayName, bot.AvatarUrl));

        // A wrong token, and another hook's id with this token, are 404 like an unknown hook.
        Assert.Equal(404, (await CurlAsync("-X", "POST", hook.Url![..^1] + (hook.Url[^1] == 'A' ? 'B' : 'A'), "-H", "content-type: application/json", "-d", """{"content":"x"}""")).Status);
        var other = await owner.CreateIncomingWebhookAsync(workspace.Id, channel.Id, "Alerts");
        Assert.Equal(404, (await CurlAsync("-X", "POST", new Uri(server.Url, $"api/v1/webhooks/{other.Id}/{hook.Token}").ToString(), "-H", "content-type: application/json", "-d", """{"content":"x"}""")).Status);
        // Bad bodies are 400 problems and post nothing.
        var (emptyStatus, emptyBody) = await CurlAsync("-X", "POST", hook.Url!, "-H", "content-type: application/json", "-d", """{"content":""}""");
        Assert.Equal(400, emptyStatus);
        Assert.Contains("\"code\":\"invalid_request\"", emptyBody, StringComparison.Ordinal);
        Assert.Equal(400, (await CurlAsync("-X", "POST", hook.Url!, "-H", "content-type: application/json", "-d", "not json")).Status);

        // With a nonce, a retry posts once.
        var (firstStatus, firstBody) = await CurlAsync("-X", "POST", hook.Url!, "-H", "content-type: application/json", "-d", """{"content":"deployed","nonce":"deploy-7"}""");
        var (_, retryBody) = await CurlAsync("-X", "POST", hook.Url!, "-H", "content-type: application/json", "-d", """{"content":"deployed","nonce":"deploy-7"}""");
        Assert.Equal(201, firstStatus);
        Assert.Equal(JsonSerializer.Deserialize(firstBody, TanagerJsonContext.Default.MessageDto)!.Id, JsonSerializer.Deserialize(retryBody, TanagerJsonContext.Default.MessageDto)!.Id);

        await owner.DeleteIncomingWebhookAsync(workspace.Id, channel.Id, hook.Id);
        Assert.Equal(404, (await CurlAsync("-X", "POST", hook.Url!, "-H", "content-type: application/json", "-d", """{"content":"after"}""")).Status);
        Assert.Equal([other.Id], (await owner.ListIncomingWebhooksAsync(workspace.Id, channel.Id)).Select(h => h.Id));
        // Its messages stay.
        Assert.Contains((await member.GetMessagesAsync(workspace.Id, channel.Id)).Messages, m => m.Id == posted.Id);
    }

    [Fact]
    public async Task Only_those_who_manage_the_channel_create_list_and_delete_its_hooks_and_never_in_direct_messages()
    {
        await using var server = await TestServer.StartAsync();
        await using var owner = await server.NewUserAsync("Owner");
        await using var member = await server.NewUserAsync("Member");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        await owner.AddWorkspaceMemberByIdAsync(workspace.Id, member.User!.Id);
        var channel = await owner.CreateChannelAsync(workspace.Id, "general");
        await member.JoinChannelAsync(workspace.Id, channel.Id);
        var hook = await owner.CreateIncomingWebhookAsync(workspace.Id, channel.Id, "CI");

        Assert.Equal(403, (await Assert.ThrowsAsync<TanagerApiException>(() => member.CreateIncomingWebhookAsync(workspace.Id, channel.Id, "Mine"))).Status);
        Assert.Equal(403, (await Assert.ThrowsAsync<TanagerApiException>(() => member.ListIncomingWebhooksAsync(workspace.Id, channel.Id))).Status);
        Assert.Equal(403, (await Assert.ThrowsAsync<TanagerApiException>(() => member.DeleteIncomingWebhookAsync(workspace.Id, channel.Id, hook.Id))).Status);
        Assert.Equal(ErrorCodes.InvalidRequest, (await Assert.ThrowsAsync<TanagerApiException>(() => owner.CreateIncomingWebhookAsync(workspace.Id, channel.Id, ""))).Code);
        Assert.Equal(ErrorCodes.InvalidRequest, (await Assert.ThrowsAsync<TanagerApiException>(() => owner.CreateIncomingWebhookAsync(workspace.Id, channel.Id, "CI", "javascript:alert(1)"))).Code);
        var dm = await owner.OpenDirectMessageAsync(workspace.Id, member.User.Id);
        Assert.Equal(403, (await Assert.ThrowsAsync<TanagerApiException>(() => owner.CreateIncomingWebhookAsync(workspace.Id, dm.Id, "CI"))).Status);
        // A hook deleted through another channel's path is not found there.
        var other = await owner.CreateChannelAsync(workspace.Id, "other");
        Assert.Equal(404, (await Assert.ThrowsAsync<TanagerApiException>(() => owner.DeleteIncomingWebhookAsync(workspace.Id, other.Id, hook.Id))).Status);
        Assert.Single(await owner.ListIncomingWebhooksAsync(workspace.Id, channel.Id));
    }

    [Fact]
    public async Task Posts_through_one_hook_are_throttled_with_429_and_other_hooks_are_not()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.RateLimits.Enabled = true;
            o.RateLimits.WebhookPosts.Permits = 2;
            o.RateLimits.WebhookPosts.Window = TimeSpan.FromHours(1);
        });
        await using var owner = await server.NewUserAsync("Owner");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var channel = await owner.CreateChannelAsync(workspace.Id, "general");
        var hook = await owner.CreateIncomingWebhookAsync(workspace.Id, channel.Id, "Chatty");
        var quiet = await owner.CreateIncomingWebhookAsync(workspace.Id, channel.Id, "Quiet");
        string[] post = ["-X", "POST", "-H", "content-type: application/json", "-d", """{"content":"ping"}"""];
        Assert.Equal(201, (await CurlAsync([hook.Url!, .. post])).Status);
        Assert.Equal(201, (await CurlAsync([hook.Url!, .. post])).Status);
        var (status, body) = await CurlAsync([hook.Url!, .. post]);
        Assert.Equal(429, status);
        Assert.Contains("\"code\":\"rate_limited\"", body, StringComparison.Ordinal);
        Assert.Equal(201, (await CurlAsync([quiet.Url!, .. post])).Status);
    }

    [Fact]
    public async Task A_hooks_token_is_stored_only_as_its_hash()
    {
        var settings = await TestServer.SettingsForAsync(TestStorage.Sqlite);
        await using var server = await TestServer.StartAsync(settings);
        await using var owner = await server.NewUserAsync("Owner");
        var workspace = await owner.CreateWorkspaceAsync("Acme");
        var channel = await owner.CreateChannelAsync(workspace.Id, "general");
        var hook = await owner.CreateIncomingWebhookAsync(workspace.Id, channel.Id, "CI");
        AdministrationTests.AssertStoredOnlyAsHash(settings.SqlitePath, "incoming_webhooks", "token_hash", hook.Token!);
    }

    /// <summary>curl's answer: the status and the body (curl itself must succeed; an HTTP error is a status, not a failure).</summary>
    private static async Task<(int Status, string Body)> CurlAsync(params string[] arguments)
    {
        await using var curl = ChildProcess.Start("curl", ["-sS", "-w", "\n%{http_code}", .. arguments]);
        await curl.WaitForExitAsync(60);
        Assert.True(curl.ExitCode == 0, $"curl {string.Join(' ', arguments)} exited {curl.ExitCode}: {curl.Errors}");
        var lines = curl.Lines.ToList();
        return (int.Parse(lines[^1], System.Globalization.CultureInfo.InvariantCulture), string.Join('\n', lines[..^1]));
    }
}
