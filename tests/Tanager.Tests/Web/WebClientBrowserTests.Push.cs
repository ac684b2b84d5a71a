using System.Text.Json;
using Microsoft.Playwright;
using Tanager.Client;

namespace Tanager.Tests.Web;

/// <summary>
/// Web Push in the browser. Chromium here has no push service to subscribe with (that is Google's, behind its own API
/// keys), so the push is delivered the way Chromium's DevTools deliver one, to the page's registered service worker:
/// what the worker does with a real push is what is tested (WebPushTests tests the server's side against a push
/// service of the test's own).
/// </summary>
public sealed partial class WebClientBrowserTests
{
    [Fact]
    public Task A_push_the_service_worker_receives_is_shown_opening_its_channel_closes_it_and_a_notification_link_opens_the_channel() => WithConsoleAsync(async () =>
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        await using var annSetup = await TanagerClient.RegisterAsync(_url, $"ann-{run}@example.test", "correct horse battery", "Ann");
        var workspace = await annSetup.CreateWorkspaceAsync("Acme");
        var general = await annSetup.CreateChannelAsync(workspace.Id, "general");
        var random = await annSetup.CreateChannelAsync(workspace.Id, "random");
        await using var carolSetup = await TanagerClient.RegisterAsync(_url, $"carol-{run}@example.test", "correct horse battery", "Carol");
        await carolSetup.AcceptInviteAsync((await annSetup.CreateInviteAsync(workspace.Id)).Code!);
        await carolSetup.JoinChannelAsync(workspace.Id, general.Id);
        await carolSetup.JoinChannelAsync(workspace.Id, random.Id);

        var carol = await OpenAsync(prepare: context => context.GrantPermissionsAsync(["notifications"]));
        await SignInAsync(carol, $"carol-{run}@example.test");
        await carol.GetByRole(AriaRole.Heading, new() { Name = "#general" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await carol.WaitForFunctionAsync("async () => (await navigator.serviceWorker.getRegistrations()).some(r => r.active)", null, new() { Timeout = LiveTimeoutMs });

        // The settings panel offers push in this browser (http://127.0.0.1 is a secure context).
        await carol.GetByRole(AriaRole.Button, new() { Name = "Notification settings" }).ClickAsync();
        await carol.GetByRole(AriaRole.Button, new() { Name = "Turn on push notifications" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await AssertAccessibleAsync(carol, "notification settings with push");
        await carol.GetByRole(AriaRole.Button, new() { Name = "Close settings" }).ClickAsync();

        // A push about #random, as the server sends it (docs/integrations.md), reaches the worker, which shows it.
        var cdp = await carol.Context.NewCDPSessionAsync(carol);
        var registration = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        cdp.Event("ServiceWorker.workerRegistrationUpdated").OnEvent += (_, update) =>
        {
            foreach (var item in update!.Value.GetProperty("registrations").EnumerateArray())
            {
                if (item.GetProperty("scopeURL").GetString()!.Contains("_content/Tanager.Web/", StringComparison.Ordinal) && !item.GetProperty("isDeleted").GetBoolean())
                {
                    registration.TrySetResult(item.GetProperty("registrationId").GetString()!);
                }
            }
        };
        await cdp.SendAsync("ServiceWorker.enable");
        var registrationId = await registration.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var push = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = "message", ["title"] = "Ann · #random", ["body"] = "@Carol lunch?", ["workspace_id"] = workspace.Id,
            ["channel_id"] = random.Id, ["message_id"] = NUlid.Ulid.NewUlid().ToString(), ["count"] = 1,
        });
        await cdp.SendAsync("ServiceWorker.deliverPushMessage", new() { ["origin"] = _url.ToString().TrimEnd('/'), ["registrationId"] = registrationId, ["data"] = push });
        const string Shown = """
            async tag => (await Promise.all((await navigator.serviceWorker.getRegistrations()).map(r => r.getNotifications({ tag }))))
                .flat().map(n => n.title + ' | ' + n.body)
            """;
        await carol.WaitForFunctionAsync($"async tag => (await ({Shown})(tag)).includes('Ann · #random | @Carol lunch?')", random.Id, new() { Timeout = LiveTimeoutMs });

        // Carol opens #random: its notification is read, so it goes.
        await carol.Locator("nav .tg-channel", new() { HasText = "#random" }).ClickAsync();
        await carol.GetByRole(AriaRole.Heading, new() { Name = "#random" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await carol.WaitForFunctionAsync($"async tag => (await ({Shown})(tag)).length === 0", random.Id, new() { Timeout = LiveTimeoutMs });

        // A clicked notification with no chat open opens a page on its channel: #tg-channel=<workspace>/<channel>
        // (a new page of the same browser, still signed in, which would otherwise start in #general).
        var linked = await carol.Context.NewPageAsync();
        _pages.Add(linked);
        await linked.GotoAsync($"{_url}#tg-channel={workspace.Id}/{random.Id}");
        await linked.GetByRole(AriaRole.Heading, new() { Name = "#random" }).WaitForAsync(new() { Timeout = LoadTimeoutMs });
        Assert.DoesNotContain("#tg-channel", linked.Url, StringComparison.Ordinal);
    });
}
