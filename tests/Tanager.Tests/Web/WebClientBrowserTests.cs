using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.Web;

/// <summary>
/// The web client in a real browser (Debian's Chromium driven by Playwright, nothing downloaded) against a real
/// tanager serve: what one person does appears in another person's browser without a reload.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed partial class WebClientBrowserTests : IAsyncLifetime
{
    private static string TanagerDll => Path.Combine(Repository.Root, "Tanager.Server", "bin", Repository.Configuration, "net10.0", "tanager.dll");

    /// <summary>ENVIRONMENT.md's flags: no sandbox as root, no GPU, no network of the browser's own.</summary>
    private static readonly string[] ChromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    /// <summary>The first load compiles the WebAssembly runtime: generous on a busy 2-core machine.</summary>
    private const float LoadTimeoutMs = 60_000;
    private const float LiveTimeoutMs = 15_000;

    private readonly HttpClient _http = new();
    private ChildProcess? _serve;
    private string? _data;
    private Uri _url = null!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    /// <summary>What the pages wrote to their consoles, shown when a test fails: the browser's side of the story.</summary>
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _console = new();
    private readonly List<IPage> _pages = [];

    public async Task InitializeAsync()
    {
        _data = Directory.CreateTempSubdirectory("tanager-web-").FullName;
        _url = new Uri($"http://127.0.0.1:{Ports.Free()}/");
        await StartServeAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ChromiumArgs });
    }

    /// <summary>tanager serve on <see cref="_url"/> and <see cref="_data"/>; returns once /health answers.</summary>
    private async Task StartServeAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["TANAGER_Tanager__PasswordMemoryKiB"] = "64",
            ["TANAGER_Tanager__PasswordIterations"] = "1",
            ["TANAGER_Tanager__RateLimits__Enabled"] = "false",
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }
        _serve = ChildProcess.Start("dotnet", [TanagerDll, "serve", "--listen", _url.ToString().TrimEnd('/'), "--data-dir", _data!], environment);
        Assert.True(await Eventually.UntilAsync(async () =>
        {
            try
            {
                return (await _http.GetAsync(new Uri(_url, "health"))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, 60), $"tanager serve did not start: {_serve.Errors}\n{string.Join('\n', _serve.Lines)}");
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        _http.Dispose();
        if (_serve is not null)
        {
            await _serve.DisposeAsync();
        }
        if (_data is not null)
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    [Fact]
    public Task Messages_reactions_edits_and_deletes_in_one_browser_appear_live_in_another() => WithConsoleAsync(async () =>
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var ann = await OpenAsync();
        await SignUpAsync(ann, "Ann", $"ann-{run}@example.test");
        await ann.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Ann" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await SubmitSideFormAsync(ann, "New workspace", "Workspace name", "Acme", "Create");
        await SubmitSideFormAsync(ann, "New channel", "Channel name", "general", "Create");
        await ann.GetByRole(AriaRole.Heading, new() { Name = "#general" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await SubmitSideFormAsync(ann, "Invite people", "Email address to invite", $"bob-{run}@example.test", "Invite");

        var bob = await OpenAsync();
        await SignUpAsync(bob, "Bob", $"bob-{run}@example.test");
        await bob.GetByRole(AriaRole.Button, new() { Name = "Join Acme" }).ClickAsync(new() { Timeout = LiveTimeoutMs });
        await bob.GetByRole(AriaRole.Button, new() { Name = "Browse channels" }).ClickAsync();
        await bob.GetByRole(AriaRole.Button, new() { Name = "Join #general" }).ClickAsync(new() { Timeout = LiveTimeoutMs });
        await bob.GetByRole(AriaRole.Heading, new() { Name = "#general" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });

        // Enter sends; Bob's page shows it from the gateway, without a reload.
        var composer = ann.GetByLabel("Message #general");
        await composer.FillAsync("Hello, **Bob**!");
        await composer.PressAsync("Enter");
        await bob.Locator(".tg-message", new() { HasText = "Hello, Bob!" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        Assert.Equal("Bob", await bob.Locator(".tg-message strong").First.InnerTextAsync());
        Assert.Equal("", await composer.InputValueAsync());

        var reply = bob.GetByLabel("Message #general");
        await reply.FillAsync("Hi Ann");
        await reply.PressAsync("Enter");
        await ann.Locator(".tg-message", new() { HasText = "Hi Ann" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });

        // A reaction, an edit and a delete by Ann, each seen by Bob without a reload.
        var bobsMessage = ann.Locator(".tg-message", new() { HasText = "Hi Ann" });
        await bobsMessage.HoverAsync();
        await bobsMessage.GetByRole(AriaRole.Button, new() { Name = "React" }).ClickAsync();
        await bobsMessage.GetByRole(AriaRole.Button, new() { Name = "thumbs up", Exact = true }).ClickAsync();
        await bob.Locator(".tg-message", new() { HasText = "Hi Ann" }).GetByRole(AriaRole.Button, new() { Name = "👍, 1 reaction" })
            .WaitForAsync(new() { Timeout = LiveTimeoutMs });

        var annsMessage = ann.Locator(".tg-message", new() { HasText = "Hello, Bob!" });
        await annsMessage.HoverAsync();
        await annsMessage.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        var edit = ann.GetByLabel("Edit message");
        await edit.FillAsync("Hello again, Bob");
        await edit.PressAsync("Enter");
        var edited = bob.Locator(".tg-message", new() { HasText = "Hello again, Bob" });
        await edited.WaitForAsync(new() { Timeout = LiveTimeoutMs });
        Assert.Contains("(edited)", await edited.InnerTextAsync(), StringComparison.Ordinal);

        await ScreenshotsAsync(ann, "channel");

        var annsEdited = ann.Locator(".tg-message", new() { HasText = "Hello again, Bob" });
        await annsEdited.HoverAsync();
        await annsEdited.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await annsEdited.GetByRole(AriaRole.Button, new() { Name = "Confirm delete" }).ClickAsync();
        await edited.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = LiveTimeoutMs });

        // A thread: Bob replies to his message in the side panel; Ann sees the reply count appear, opens the thread and
        // answers there, and Bob's open panel shows her answer.
        var bobsHi = bob.Locator(".tg-main .tg-message", new() { HasText = "Hi Ann" });
        await bobsHi.HoverAsync();
        await bobsHi.GetByRole(AriaRole.Button, new() { Name = "Reply in thread" }).ClickAsync();
        var bobsThread = bob.GetByRole(AriaRole.Complementary, new() { Name = "Thread in #general" });
        await bob.GetByLabel("Reply in thread").FillAsync("Replying in a thread");
        await bob.GetByLabel("Reply in thread").PressAsync("Enter");
        await bobsThread.Locator(".tg-message", new() { HasText = "Replying in a thread" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await ann.Locator(".tg-main .tg-message", new() { HasText = "Hi Ann" }).GetByRole(AriaRole.Button, new() { Name = "1 reply" })
            .ClickAsync(new() { Timeout = LiveTimeoutMs });
        var annsThread = ann.GetByRole(AriaRole.Complementary, new() { Name = "Thread in #general" });
        await annsThread.Locator(".tg-message", new() { HasText = "Replying in a thread" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await ann.GetByLabel("Reply in thread").FillAsync("Seen it");
        await ann.GetByLabel("Reply in thread").PressAsync("Enter");
        await bobsThread.Locator(".tg-message", new() { HasText = "Seen it" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await bob.Locator(".tg-main .tg-message", new() { HasText = "Hi Ann" }).GetByRole(AriaRole.Button, new() { Name = "2 replies" })
            .WaitForAsync(new() { Timeout = LiveTimeoutMs });
        Assert.Equal(0, await bob.Locator(".tg-main .tg-message", new() { HasText = "Seen it" }).CountAsync());
        await AssertAccessibleAsync(ann, "thread");
        await ScreenshotsAsync(ann, "thread");

        // A direct message: Ann opens one with Bob and writes; it appears in Bob's sidebar, unread, and he reads it there.
        await ann.GetByRole(AriaRole.Button, new() { Name = "New direct message" }).ClickAsync();
        await ann.GetByLabel("Send a direct message to").SelectOptionAsync(new SelectOptionValue { Label = "Bob" });
        await ann.GetByRole(AriaRole.Button, new() { Name = "Open", Exact = true }).ClickAsync();
        await ann.GetByRole(AriaRole.Heading, new() { Name = "Bob", Exact = true }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await ann.GetByLabel("Message Bob").FillAsync("Just between us");
        await ann.GetByLabel("Message Bob").PressAsync("Enter");
        var conversation = bob.Locator("nav .tg-channel", new() { HasText = "Ann" });
        await conversation.Locator(".tg-badge").WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await conversation.ClickAsync();
        await bob.GetByRole(AriaRole.Heading, new() { Name = "Ann", Exact = true }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await bob.Locator(".tg-main .tg-message", new() { HasText = "Just between us" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });

        // An image chosen with the file picker, and a file dropped on the conversation: uploaded with progress, sent
        // together, and shown to Bob as an inline preview that loads and a download link.
        await ann.GetByLabel("Attach files").SetInputFilesAsync(new FilePayload
        {
            Name = "red-blue.png",
            MimeType = "image/png",
            Buffer = Files.TestImages.Encode(64, 48, SkiaSharp.SKEncodedImageFormat.Png),
        });
        await ann.EvaluateAsync("""
            () => {
                const files = new DataTransfer();
                files.items.add(new File(['minutes of the meeting'], 'notes.txt', { type: 'text/plain' }));
                document.querySelector('.tg-main .tg-messages').dispatchEvent(new DragEvent('drop', { dataTransfer: files, bubbles: true, cancelable: true }));
            }
            """);
        var uploads = ann.GetByRole(AriaRole.List, new() { Name = "Files to send" });
        await uploads.GetByText("Ready").Nth(1).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        Assert.Equal(2, await uploads.GetByText("Ready").CountAsync());
        await ann.GetByLabel("Message Bob").FillAsync("The plan");
        await ann.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await uploads.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = LiveTimeoutMs });
        var withFiles = bob.Locator(".tg-main .tg-message", new() { HasText = "The plan" });
        await withFiles.GetByRole(AriaRole.Img, new() { Name = "red-blue.png" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await bob.WaitForFunctionAsync("() => { const image = document.querySelector(\".tg-main img[alt='red-blue.png']\"); return image && image.complete && image.naturalWidth > 0; }",
            null, new() { Timeout = LiveTimeoutMs });
        var link = withFiles.GetByRole(AriaRole.Link, new() { Name = "notes.txt" });
        await link.WaitForAsync(new() { Timeout = LiveTimeoutMs });
        var href = await link.GetAttributeAsync("href");
        Assert.False(string.IsNullOrEmpty(href));
        Assert.Equal("minutes of the meeting", await _http.GetStringAsync(new Uri(_url, href)));
        await ScreenshotsAsync(bob, "direct-message");

        // A reload keeps Bob signed in (the token in localStorage) and brings him back to the channel from READY.
        await bob.ReloadAsync();
        await bob.GetByRole(AriaRole.Heading, new() { Name = "#general" }).WaitForAsync(new() { Timeout = LoadTimeoutMs });
        await bob.Locator(".tg-message", new() { HasText = "Hi Ann" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        Assert.DoesNotContain("The web client is mapped at", string.Join('\n', _serve!.Lines), StringComparison.Ordinal);
    });

    [Fact]
    public Task After_the_server_restarts_the_page_reconnects_by_itself_and_shows_the_50_messages_posted_meanwhile_in_order_once_each() => WithConsoleAsync(async () =>
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        await using var ann = await TanagerClient.RegisterAsync(_url, $"ann-{run}@example.test", "correct horse battery", "Ann");
        var workspace = await ann.CreateWorkspaceAsync("Acme");
        var general = await ann.CreateChannelAsync(workspace.Id, "general");
        await using (var bobSetup = await TanagerClient.RegisterAsync(_url, $"bob-{run}@example.test", "correct horse battery", "Bob"))
        {
            await bobSetup.AcceptInviteAsync((await ann.CreateInviteAsync(workspace.Id)).Code!);
            await bobSetup.JoinChannelAsync(workspace.Id, general.Id);
        }
        foreach (var i in Enumerable.Range(1, 3))
        {
            await ann.PostMessageAsync(workspace.Id, general.Id, $"before {i}");
        }

        // Tall enough that the virtualized list renders every message of the channel at once. Bob's gateway connections
        // pass through a gate the test can close: closed, each attempt is refused as a dead network would refuse it.
        var gateClosed = false;
        var bob = await OpenAsync(new ViewportSize { Width = 1280, Height = 6000 }, context => context.RouteWebSocketAsync(
            url => url.Contains("/gateway", StringComparison.Ordinal),
            socket =>
            {
                if (Volatile.Read(ref gateClosed))
                {
                    _ = socket.CloseAsync(new() { Code = 1001, Reason = "gate closed" });
                }
                else
                {
                    socket.ConnectToServer();
                }
            }));
        await SignInAsync(bob, $"bob-{run}@example.test");
        await bob.GetByRole(AriaRole.Heading, new() { Name = "#general" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await bob.Locator(".tg-message", new() { HasText = "before 3" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });

        // The server process is killed and started again on the same port and data, and Ann posts 50 messages while Bob's
        // page cannot reach it: none of them can arrive live, so every one must come from the catch-up after it reconnects.
        Volatile.Write(ref gateClosed, true);
        await _serve!.DisposeAsync();
        _serve = null;
        await bob.GetByText("Reconnecting", new() { Exact = false }).First.WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await StartServeAsync();
        foreach (var i in Enumerable.Range(1, 50))
        {
            await ann.PostMessageAsync(workspace.Id, general.Id, $"after {i}");
        }
        Assert.Equal(0, await bob.Locator(".tg-message", new() { HasText = "after " }).CountAsync());
        Volatile.Write(ref gateClosed, false);

        // No reload, no click: the page's next attempt gets through (its backoff is at most 30 s).
        await bob.Locator(".tg-message", new() { HasText = "after 50" }).WaitForAsync(new() { Timeout = 60_000 });
        var texts = await bob.Locator(".tg-message .tg-text").AllInnerTextsAsync();
        Assert.Equal([.. Enumerable.Range(1, 3).Select(i => $"before {i}"), .. Enumerable.Range(1, 50).Select(i => $"after {i}")], texts.Select(t => t.Trim()));
        await bob.GetByText("Connected", new() { Exact = true }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
    });

    [Fact]
    public Task Scrolling_up_through_10000_messages_loads_them_all_while_the_page_holds_a_bounded_number_of_message_elements() => WithConsoleAsync(async () =>
    {
        const int Messages = 10_000;
        var run = Guid.NewGuid().ToString("N")[..8];
        await using var ann = await TanagerClient.RegisterAsync(_url, $"ann-{run}@example.test", "correct horse battery", "Ann");
        var workspace = await ann.CreateWorkspaceAsync("Acme");
        var general = await ann.CreateChannelAsync(workspace.Id, "general");
        await Parallel.ForEachAsync(Enumerable.Range(1, Messages), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, ct) => await ann.PostMessageAsync(workspace.Id, general.Id, $"message {i}", cancellationToken: ct));

        var page = await OpenAsync();
        await SignInAsync(page, $"ann-{run}@example.test");
        await page.Locator($".tg-message[data-sequence='{Messages}']").WaitForAsync(new() { Timeout = LiveTimeoutMs });

        // Scroll to the top again and again, as a reader holding the scroll bar at the top would: each time near the top
        // the page loads the next older page and keeps the reader's place, so the top moves away again.
        var start = page.Locator(".tg-start");
        var most = 0;
        for (var scrolls = 0; !await start.IsVisibleAsync(); scrolls++)
        {
            Assert.True(scrolls < 2000, "the start of the channel was never reached");
            await page.EvaluateAsync("() => { const list = document.querySelector('.tg-messages'); list.scrollTop = 0; list.dispatchEvent(new Event('scroll')); }");
            await page.WaitForTimeoutAsync(50);
            most = Math.Max(most, await page.Locator(".tg-message").CountAsync());
        }
        // The start is rendered once the last page is in, wherever the reader is; at the very top the first message is too.
        var first = page.Locator(".tg-message[data-sequence='1']");
        Assert.True(await Eventually.UntilAsync(async () =>
        {
            await page.EvaluateAsync("() => { const list = document.querySelector('.tg-messages'); list.scrollTop = 0; list.dispatchEvent(new Event('scroll')); }");
            most = Math.Max(most, await page.Locator(".tg-message").CountAsync());
            return await first.CountAsync() == 1;
        }, 30), "message 1 was never rendered at the top");
        Assert.InRange(most, 1, 120);
        Assert.Contains("This is the start of #general", await start.InnerTextAsync(), StringComparison.Ordinal);
    });

    [Fact]
    public Task The_sign_in_channel_and_search_screens_have_no_serious_or_critical_accessibility_violations_and_search_filters_narrow_results() => WithConsoleAsync(async () =>
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        await using var ann = await TanagerClient.RegisterAsync(_url, $"ann-{run}@example.test", "correct horse battery", "Ann");
        var workspace = await ann.CreateWorkspaceAsync("Acme");
        var general = await ann.CreateChannelAsync(workspace.Id, "general", topic: "Everything");
        var first = await ann.PostMessageAsync(workspace.Id, general.Id, "Hello **everyone**, see https://example.com");
        await ann.AddReactionAsync(workspace.Id, general.Id, first.Id, "👍");
        await ann.PostMessageAsync(workspace.Id, general.Id, "```\ncode block\n```");

        var page = await OpenAsync();
        await page.GetByLabel("Email").WaitForAsync(new() { Timeout = LoadTimeoutMs });
        await AssertAccessibleAsync(page, "sign-in");
        await ScreenshotsAsync(page, "sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create an account" }).ClickAsync();
        await AssertAccessibleAsync(page, "sign-up");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await SignInAsync(page, $"ann-{run}@example.test");
        await page.Locator(".tg-message", new() { HasText = "code block" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await AssertAccessibleAsync(page, "channel");
        var message = page.Locator(".tg-message", new() { HasText = "Hello everyone" });
        await message.HoverAsync();
        await message.GetByRole(AriaRole.Button, new() { Name = "React", Exact = true }).ClickAsync();
        await AssertAccessibleAsync(page, "channel with the reaction picker open");

        // Search: the header's box opens the results panel, whose controls are the API's filters.
        await page.GetByLabel("Search messages").FillAsync("everyone");
        await page.GetByLabel("Search messages").PressAsync("Enter");
        var results = page.GetByRole(AriaRole.Region, new() { Name = "Search results" });
        await results.Locator(".tg-message", new() { HasText = "Hello everyone" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await AssertAccessibleAsync(page, "search");
        await ScreenshotsAsync(page, "search");
        await page.GetByLabel("Messages", new() { Exact = true }).SelectOptionAsync("thread");
        await results.GetByText("No messages found.").WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await page.GetByLabel("Messages", new() { Exact = true }).SelectOptionAsync("root");
        await page.GetByLabel("From", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Ann" });
        await page.GetByLabel("In", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "#general" });
        await results.GetByText("1 message", new() { Exact = true }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await results.GetByRole(AriaRole.Button, new() { Name = "Open this message in #general" }).ClickAsync();
        await results.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = LiveTimeoutMs });
    });

    [Fact]
    public Task Mentions_autocomplete_typing_presence_pins_the_emoji_picker_and_notifications_work_between_two_browsers() => WithConsoleAsync(async () =>
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        await using var annSetup = await TanagerClient.RegisterAsync(_url, $"ann-{run}@example.test", "correct horse battery", "Ann");
        var workspace = await annSetup.CreateWorkspaceAsync("Acme");
        var general = await annSetup.CreateChannelAsync(workspace.Id, "general");
        var random = await annSetup.CreateChannelAsync(workspace.Id, "random");
        await using var bobSetup = await TanagerClient.RegisterAsync(_url, $"bob-{run}@example.test", "correct horse battery", "Bob");
        await bobSetup.AcceptInviteAsync((await annSetup.CreateInviteAsync(workspace.Id)).Code!);
        await bobSetup.JoinChannelAsync(workspace.Id, general.Id);
        await bobSetup.JoinChannelAsync(workspace.Id, random.Id);
        await annSetup.OpenDirectMessageAsync(workspace.Id, bobSetup.User!.Id);

        var ann = await OpenAsync();
        await SignInAsync(ann, $"ann-{run}@example.test");
        await ann.GetByRole(AriaRole.Heading, new() { Name = "#general" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        // Bob's browser allows notifications; the page's Notification is replaced by one that records what it is asked to show.
        var bob = await OpenAsync(prepare: async context =>
        {
            await context.GrantPermissionsAsync(["notifications"]);
            await context.AddInitScriptAsync("""
                window.shown = [];
                window.Notification = class {
                    static permission = 'granted';
                    static requestPermission() { return Promise.resolve('granted'); }
                    constructor(title, options) { window.shown.push({ title, body: options && options.body }); }
                    close() {}
                };
                """);
        });
        await SignInAsync(bob, $"bob-{run}@example.test");
        await bob.GetByRole(AriaRole.Heading, new() { Name = "#general" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });

        // Presence: Bob is online, so his direct message in Ann's sidebar has a green dot and says so.
        var bobsConversation = ann.Locator("nav .tg-channel", new() { HasText = "Bob" });
        await bobsConversation.Locator(".tg-presence-online").WaitForAsync(new() { Timeout = LiveTimeoutMs });
        Assert.Contains("online", await bobsConversation.InnerTextAsync(), StringComparison.Ordinal);

        // Typing: Bob types in #general; Ann, there too, sees it.
        await bob.GetByLabel("Message #general").PressSequentiallyAsync("hel");
        await ann.GetByText("Bob is typing…").WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await bob.GetByLabel("Message #general").FillAsync("");

        // Bob goes to #random. Ann mentions him through the autocomplete: "@Bo" offers Bob, Enter picks him.
        await bob.Locator("nav .tg-channel", new() { HasText = "#random" }).ClickAsync();
        await bob.GetByRole(AriaRole.Heading, new() { Name = "#random" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        var composer = ann.GetByLabel("Message #general");
        await composer.PressSequentiallyAsync("Look @Bo");
        var people = ann.GetByRole(AriaRole.Listbox, new() { Name = "People to mention" });
        await people.GetByRole(AriaRole.Option, new() { Name = "Bob" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await composer.PressAsync("Enter");
        await people.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = LiveTimeoutMs });
        Assert.Equal("Look @Bob ", await composer.InputValueAsync());
        await composer.PressSequentiallyAsync("at this");
        await composer.PressAsync("Enter");
        var mention = ann.Locator(".tg-messages .tg-message", new() { HasText = "at this" });
        Assert.Equal("@Bob", await mention.Locator(".tg-mention").InnerTextAsync(new() { Timeout = LiveTimeoutMs }));
        var sent = (await annSetup.GetMessagesAsync(workspace.Id, general.Id)).Messages.Single(m => m.Content.EndsWith("at this", StringComparison.Ordinal));
        Assert.Equal($"Look <@{bobSetup.User.Id}> at this", sent.Content);

        // Bob, elsewhere: #general shows a mention badge, and a notification names Ann and the channel.
        await bob.Locator("nav .tg-channel", new() { HasText = "#general" }).Locator(".tg-badge.tg-mention").WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await bob.WaitForFunctionAsync("() => window.shown.some(n => n.title === 'Ann in #general' && n.body === 'Look @Bob at this')", null, new() { Timeout = LiveTimeoutMs });

        // Ann pins her message and finds a reaction by name; Bob, back in #general, sees both and his name highlighted.
        await mention.HoverAsync();
        await mention.GetByRole(AriaRole.Button, new() { Name = "Pin", Exact = true }).ClickAsync();
        await ann.GetByRole(AriaRole.Button, new() { Name = "Pinned messages" }).ClickAsync();
        await ann.GetByRole(AriaRole.Region, new() { Name = "Pinned messages" }).GetByText("at this", new() { Exact = false }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await mention.HoverAsync();
        await mention.GetByRole(AriaRole.Button, new() { Name = "React", Exact = true }).ClickAsync();
        await mention.GetByLabel("Find an emoji").FillAsync("rock");
        Assert.Equal(1, await mention.Locator(".tg-emoji-grid button").CountAsync());
        await mention.GetByRole(AriaRole.Button, new() { Name = "rocket", Exact = true }).ClickAsync();
        await bob.Locator("nav .tg-channel", new() { HasText = "#general" }).ClickAsync();
        var seen = bob.Locator(".tg-messages .tg-message", new() { HasText = "at this" });
        await seen.GetByRole(AriaRole.Button, new() { Name = "🚀, 1 reaction" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        Assert.Contains("Pinned", await seen.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await seen.Locator(".tg-mention.tg-mention-me").CountAsync());
        await AssertAccessibleAsync(ann, "channel with pins, a mention and the emoji picker");
    });

    [Fact]
    public Task The_two_factor_step_signs_in_the_dark_theme_stays_accessible_settings_are_saved_and_signing_out_forgets_the_session() => WithConsoleAsync(async () =>
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var email = $"dana-{run}@example.test";
        string secret;
        ChannelDto general;
        await using (var dana = await TanagerClient.RegisterAsync(_url, email, "correct horse battery", "Dana"))
        {
            var workspace = await dana.CreateWorkspaceAsync("Acme");
            general = await dana.CreateChannelAsync(workspace.Id, "general");
            secret = (await TwoFactorTests.EnrolAsync(dana)).Secret;
        }

        // The password first, then the authenticator's code (the next step's: the current one was spent enrolling).
        var page = await OpenAsync();
        await SignInAsync(page, email);
        await page.GetByRole(AriaRole.Heading, new() { Name = "Two-factor sign-in" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await page.GetByLabel("Code from your authenticator app").FillAsync(TwoFactorTests.Code(secret, 1));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "#general" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });

        // The dark theme follows the system's preference, and keeps axe-core's contrast checks.
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        Assert.Equal("rgb(26, 29, 33)", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.tg-root')).backgroundColor"));
        await AssertAccessibleAsync(page, "channel, dark theme");
        await ScreenshotsAsync(page, "channel-dark");

        // Notification settings: the email level, a muted channel and quiet hours (the browser's time zone offered), saved
        // on the server; a zone the server does not know is refused with the reason and changes nothing.
        var token = await page.EvaluateAsync<string>("() => Object.entries(localStorage).find(([k]) => k.startsWith('tanager.token:'))[1]");
        await page.GetByRole(AriaRole.Button, new() { Name = "Notification settings" }).ClickAsync();
        var settings = page.GetByRole(AriaRole.Complementary, new() { Name = "Notification settings" });
        await settings.GetByLabel("Email me while I am away about").SelectOptionAsync("all", new() { Timeout = LiveTimeoutMs });
        await settings.GetByLabel("Mute #general").CheckAsync();
        await settings.GetByLabel("Keep quiet hours").CheckAsync();
        Assert.NotEqual("", await settings.GetByLabel("Time zone").InputValueAsync());
        await settings.GetByLabel("From", new() { Exact = true }).FillAsync("22:30");
        await settings.GetByLabel("To", new() { Exact = true }).FillAsync("06:45");
        await settings.GetByLabel("Time zone").FillAsync("Europe/Berlin");
        await settings.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await settings.GetByText("Saved.").WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await using (var dana = await TanagerClient.FromTokenAsync(_url, token))
        {
            var saved = await dana.GetNotificationPreferencesAsync();
            Assert.Equal("all", saved.Email);
            Assert.Equal([general.Id], saved.MutedChannels);
            Assert.Equal(("22:30", "06:45", "Europe/Berlin"), (saved.QuietHours!.Start, saved.QuietHours.End, saved.QuietHours.TimeZone));
            await settings.GetByLabel("Time zone").FillAsync("Mars/Olympus");
            await settings.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
            await settings.GetByText("Not saved:", new() { Exact = false }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
            Assert.Contains("time_zone", await settings.Locator("form").GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("Europe/Berlin", (await dana.GetNotificationPreferencesAsync()).QuietHours!.TimeZone);
        }
        await AssertAccessibleAsync(page, "notification settings");

        // Signing out returns to the form, and a reload stays signed out: the token is gone from the page and the server.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Tanager" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await page.ReloadAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Tanager" }).WaitForAsync(new() { Timeout = LoadTimeoutMs });
        Assert.Equal(401, (await Assert.ThrowsAsync<TanagerApiException>(() => TanagerClient.FromTokenAsync(_url, token))).Status);
    });

    [Fact]
    public Task With_files_in_an_S3_bucket_the_page_uploads_straight_to_it_and_shows_the_image_from_it() => WithConsoleAsync(async () =>
    {
        // The bucket lets the page's origin PUT and GET (files.md: the CORS rule a self-hoster adds), and the server keeps
        // its files there: the page's policy must then allow that origin too.
        var s3 = await (await S3Server.GetSharedAsync()).CreateBucketAsync();
        using (var bucket = new Amazon.S3.AmazonS3Client(s3.AccessKey, s3.SecretKey, new Amazon.S3.AmazonS3Config { ServiceURL = s3.Endpoint!.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" }))
        {
            await bucket.PutCORSConfigurationAsync(new Amazon.S3.Model.PutCORSConfigurationRequest
            {
                BucketName = s3.Bucket,
                Configuration = new Amazon.S3.Model.CORSConfiguration
                {
                    Rules = [new Amazon.S3.Model.CORSRule { AllowedOrigins = [_url.GetLeftPart(UriPartial.Authority)], AllowedMethods = ["PUT", "GET"], AllowedHeaders = ["*"], MaxAgeSeconds = 300 }],
                },
            });
        }
        await _serve!.DisposeAsync();
        await StartServeAsync(new Dictionary<string, string>
        {
            ["TANAGER_S3_ENDPOINT"] = s3.Endpoint.ToString(),
            ["TANAGER_S3_BUCKET"] = s3.Bucket,
            ["TANAGER_S3_ACCESS_KEY"] = s3.AccessKey!,
            ["TANAGER_S3_SECRET_KEY"] = s3.SecretKey!,
        });
        var origin = s3.Endpoint.GetLeftPart(UriPartial.Authority);
        var policy = string.Join(' ', (await _http.GetAsync(_url)).Headers.GetValues("Content-Security-Policy"));
        Assert.Contains($"connect-src 'self' {origin};", policy, StringComparison.Ordinal);
        Assert.Contains($" {origin};", policy[policy.IndexOf("img-src", StringComparison.Ordinal)..], StringComparison.Ordinal);

        var run = Guid.NewGuid().ToString("N")[..8];
        var page = await OpenAsync();
        await SignUpAsync(page, "Eve", $"eve-{run}@example.test");
        await page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Eve" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await SubmitSideFormAsync(page, "New workspace", "Workspace name", "Acme", "Create");
        await SubmitSideFormAsync(page, "New channel", "Channel name", "photos", "Create");
        await page.GetByLabel("Attach files").SetInputFilesAsync(new FilePayload
        {
            Name = "red-blue.png",
            MimeType = "image/png",
            Buffer = Files.TestImages.Encode(64, 48, SkiaSharp.SKEncodedImageFormat.Png),
        });
        await page.GetByRole(AriaRole.List, new() { Name = "Files to send" }).GetByText("Ready").WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await page.WaitForFunctionAsync("() => { const image = document.querySelector(\".tg-main img[alt='red-blue.png']\"); return image && image.complete && image.naturalWidth > 0; }",
            null, new() { Timeout = LiveTimeoutMs });
        Assert.StartsWith(origin + "/", await page.Locator(".tg-main img[alt='red-blue.png']").GetAttributeAsync("src"), StringComparison.Ordinal);
    });

    [Fact]
    public Task Inside_an_app_with_its_own_sign_in_the_tanager_chat_element_and_the_client_under_a_prefix_are_the_app_s_user() => WithConsoleAsync(async () =>
    {
        var dataDir = Directory.CreateTempSubdirectory("embedded-web-").FullName;
        try
        {
            await using var app = await EmbeddedChatApp.StartAsync(Ports.Free(), dataDir, development: true);

            // The app's team page needs the app's sign-in: its own form, then back to the page, where the chat inside it
            // (<tanager-chat>, served from /chat/) is already Alice, with no sign-in or sign-out of its own.
            var team = await OpenAsync(url: new Uri(app.Url, "chat/team"));
            await team.GetByLabel("User name").FillAsync("alice", new() { Timeout = LoadTimeoutMs });
            await team.GetByLabel("Password").FillAsync("alice-password");
            await team.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            await team.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Alice Adams" }).WaitForAsync(new() { Timeout = LoadTimeoutMs });
            Assert.Equal("/chat/team", new Uri(team.Url).AbsolutePath);
            Assert.Equal(0, await team.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).CountAsync());
            await SubmitSideFormAsync(team, "New workspace", "Workspace name", "Acme", "Create");
            await SubmitSideFormAsync(team, "New channel", "Channel name", "general", "Create");
            await team.GetByLabel("Message #general").FillAsync("From the team page");
            await team.GetByLabel("Message #general").PressAsync("Enter");
            await team.Locator(".tg-message", new() { HasText = "From the team page" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });

            // The whole client under the app's /chat/ prefix: the same person and channel, and what it posts reaches the
            // team page live (its gateway connection identified with a ticket, as the app's cookie is never read there).
            var full = await team.Context.NewPageAsync();
            _pages.Add(full);
            await full.GotoAsync(new Uri(app.Url, "chat/").ToString());
            await full.GetByRole(AriaRole.Heading, new() { Name = "#general" }).WaitForAsync(new() { Timeout = LoadTimeoutMs });
            await full.Locator(".tg-message", new() { HasText = "From the team page" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
            await full.GetByLabel("Message #general").FillAsync("From the full client");
            await full.GetByLabel("Message #general").PressAsync("Enter");
            await team.Locator(".tg-message", new() { HasText = "From the full client" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
            await ScreenshotsAsync(team, "embedded-team-page");
            // In Development the files are there, so the start-up warning of a build run elsewhere is not given.
            Assert.DoesNotContain("The web client is mapped at", app.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    });

    [Fact]
    public Task A_Blazor_app_of_another_origin_with_TanagerChat_on_its_page_signs_up_posts_and_hears_the_server_live() => WithConsoleAsync(async () =>
    {
        // samples/BlazorChat: an app's own Blazor WebAssembly front end with <TanagerChat ServerUrl=…/> in its page, served
        // from another origin than tanager serve, which lists that origin in Tanager:AllowedOrigins.
        var appUrl = new Uri($"http://127.0.0.1:{Ports.Free()}/");
        await _serve!.DisposeAsync();
        await StartServeAsync(new Dictionary<string, string> { ["TANAGER_Tanager__AllowedOrigins__0"] = appUrl.GetLeftPart(UriPartial.Authority) });
        await using var app = await ServeBlazorSampleAsync(appUrl, _url);
        var run = Guid.NewGuid().ToString("N")[..8];

        var page = await OpenAsync(url: appUrl);
        await page.GetByText("the app's own page", new() { Exact = false }).WaitForAsync(new() { Timeout = LoadTimeoutMs });
        await SignUpAsync(page, "Cleo", $"cleo-{run}@example.test");
        await page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Cleo" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await SubmitSideFormAsync(page, "New workspace", "Workspace name", "Acme", "Create");
        await SubmitSideFormAsync(page, "New channel", "Channel name", "support", "Create");
        await page.GetByLabel("Message #support").FillAsync("Hello from the app");
        await page.GetByLabel("Message #support").PressAsync("Enter");

        // The server has it, and what another client posts there reaches the app's page live.
        await using var cleo = await TanagerClient.LoginAsync(_url, $"cleo-{run}@example.test", "correct horse battery");
        var workspace = Assert.Single(await cleo.ListWorkspacesAsync());
        var support = Assert.Single(await cleo.ListChannelsAsync(workspace.Id), c => c.Name == "support");
        Assert.True(await Eventually.UntilAsync(async () =>
            (await cleo.GetMessagesAsync(workspace.Id, support.Id)).Messages.Any(m => m.Content == "Hello from the app"), 15));
        await cleo.PostMessageAsync(workspace.Id, support.Id, "Hello from the server side");
        await page.Locator(".tg-message", new() { HasText = "Hello from the server side" }).WaitForAsync(new() { Timeout = LiveTimeoutMs });
        await ScreenshotsAsync(page, "blazor-component");
    });

    /// <summary>
    /// The BlazorChat sample's build served as a static host serves its publish: its files (from the build's static web
    /// assets manifests), index.html for every other path, and an appsettings.json naming this run's chat server.
    /// </summary>
    private static async Task<WebApplication> ServeBlazorSampleAsync(Uri url, Uri chatServer)
    {
        // Built by the solution build (.ci/run), not through a reference: its WebAssembly files would collide with
        // Tanager.Web.App's in this project's static web assets.
        var bin = Path.Combine(Repository.Root, "samples", "BlazorChat", "bin", Repository.Configuration, "net10.0");
        Assert.True(File.Exists(Path.Combine(bin, "BlazorChat.staticwebassets.endpoints.json")),
            $"samples/BlazorChat is not built in {Repository.Configuration}: build Tanager.sln (or the sample) first");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "BlazorChat", ContentRootPath = bin });
        builder.WebHost.UseSetting(WebHostDefaults.StaticWebAssetsKey, Path.Combine(bin, "BlazorChat.staticwebassets.runtime.json"));
        builder.WebHost.UseStaticWebAssets();
        builder.WebHost.UseUrls(url.GetLeftPart(UriPartial.Authority));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        // Ahead of the static files (whose endpoint would answer the sample's own appsettings.json).
        app.Use(async (context, next) =>
        {
            if (context.Request.Path == "/appsettings.json")
            {
                await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["ChatServer"] = chatServer.ToString() });
                return;
            }
            await next(context);
        });
        app.MapStaticAssets(Path.Combine(bin, "BlazorChat.staticwebassets.endpoints.json"));
        app.MapFallbackToFile("index.html");
        await app.StartAsync();
        return app;
    }

    /// <summary>axe-core (Deque's, injected by Deque.AxeCore.Playwright) over the whole page: no serious or critical violation.</summary>
    private static async Task AssertAccessibleAsync(IPage page, string screen)
    {
        var result = await page.RunAxe();
        Assert.NotEmpty(result.Passes);
        var violations = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join("; ", v.Nodes.Select(n => n.Html))}")
            .ToList();
        Assert.True(violations.Count == 0, $"{screen}: {violations.Count} serious or critical accessibility violations\n{string.Join('\n', violations)}");
    }

    private async Task WithConsoleAsync(Func<Task> test)
    {
        try
        {
            await test();
        }
        catch (Exception exception) when (exception is TimeoutException or PlaywrightException or Xunit.Sdk.XunitException)
        {
            for (var i = 0; i < _pages.Count; i++)
            {
                _console.Enqueue($"page {i + 1} at {_pages[i].Url} showed: {await _pages[i].EvaluateAsync<string>("() => document.body ? document.body.innerText : ''")}");
                await ScreenshotsAsync(_pages[i], $"failure-page{i + 1}");
                _console.Enqueue($"page {i + 1} raw gateway: " + await _pages[i].EvaluateAsync<string>("""
                    () => new Promise(done => {
                        const ws = new WebSocket(new URL('gateway', document.baseURI).href.replace('http', 'ws'));
                        ws.onmessage = e => done('message ' + e.data);
                        ws.onerror = () => done('error');
                        ws.onclose = e => done('close ' + e.code + ' ' + e.reason);
                        setTimeout(() => done('nothing in 5 s, readyState ' + ws.readyState), 5000);
                    })
                    """));
            }
            throw new InvalidOperationException($"{exception.Message}\nBrowser console:\n{string.Join('\n', _console)}\nServer:\n{string.Join('\n', _serve!.Lines.TakeLast(30))}\n{_serve.Errors}", exception);
        }
    }

    private async Task<IPage> OpenAsync(ViewportSize? viewport = null, Func<IBrowserContext, Task>? prepare = null, Uri? url = null)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 800 } });
        if (prepare is not null)
        {
            await prepare(context);
        }
        var page = await context.NewPageAsync();
        _pages.Add(page);
        var name = $"page {_console.Count(l => l.StartsWith("open", StringComparison.Ordinal)) + 1}";
        _console.Enqueue($"open {name}");
        page.Console += (_, message) => _console.Enqueue($"{name} {message.Type}: {message.Text}");
        page.PageError += (_, error) => _console.Enqueue($"{name} page error: {error}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                _console.Enqueue($"{name} got {response.Status} for {response.Request.Method} {response.Url}");
            }
        };
        await page.GotoAsync((url ?? _url).ToString());
        return page;
    }

    private static async Task SignInAsync(IPage page, string email)
    {
        await page.GetByLabel("Email").FillAsync(email, new() { Timeout = LoadTimeoutMs });
        await page.GetByLabel("Password").FillAsync("correct horse battery");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    private static async Task SignUpAsync(IPage page, string name, string email)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Create an account" }).ClickAsync(new() { Timeout = LoadTimeoutMs });
        await page.GetByLabel("Display name").FillAsync(name);
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("correct horse battery");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account", Exact = true }).ClickAsync();
    }

    private static async Task SubmitSideFormAsync(IPage page, string opener, string label, string value, string submit)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = opener, Exact = true }).ClickAsync(new() { Timeout = LiveTimeoutMs });
        await page.GetByLabel(label).FillAsync(value);
        await page.GetByRole(AriaRole.Button, new() { Name = submit, Exact = true }).ClickAsync();
        await page.GetByLabel(label).WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = LiveTimeoutMs });
    }

    /// <summary>Desktop and phone-width screenshots as test artifacts (artifacts/ is not committed).</summary>
    private static async Task ScreenshotsAsync(IPage page, string screen)
    {
        var folder = Path.Combine(Repository.Root, "artifacts", "web-screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{screen}-desktop.png") });
        await page.SetViewportSizeAsync(390, 844);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{screen}-phone.png") });
        await page.SetViewportSizeAsync(1280, 800);
    }
}
