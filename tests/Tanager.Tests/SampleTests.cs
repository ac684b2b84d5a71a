using System.Net;
using System.Text.RegularExpressions;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>The samples run as a user would run them, as separate processes.</summary>
public sealed partial class SampleTests
{
    [Fact]
    public Task The_embedded_sample_signs_its_own_users_into_chat_and_keeps_everything_across_a_restart() =>
        RunEmbeddedSampleAsync(Repository.SampleDll("EmbeddedChat"));

    /// <summary>
    /// The embedded sample's whole story against <paramref name="dll"/>: this repository's build of it, or one built from
    /// the packages (<see cref="PackageTests"/>).
    /// </summary>
    internal static async Task RunEmbeddedSampleAsync(string dll)
    {
        var dataDir = Directory.CreateTempSubdirectory("embedded-chat-").FullName;
        var port = Ports.Free();
        var ws = TanagerJsonContext.Default;
        var aliceCookies = new CookieContainer();
        string aliceId, bobId, workspaceId, channelId;
        await using (var app = await EmbeddedChatApp.StartAsync(port, dataDir, dll))
        {
            using var alice = new Browser(app, aliceCookies);
            using var bob = new Browser(app);

            // Before signing in: the app's page sends people to its login form, and the chat API says 401, never redirects.
            using (var home = await alice.GetPageAsync("/"))
            {
                Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
                Assert.StartsWith("/login", home.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
            }
            using (var anonymous = await alice.SendAsync(HttpMethod.Get, "users/me"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            }
            using (var wrong = await alice.SubmitLoginAsync("alice", "bob-password"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            }

            await alice.SignInAsync("alice", "alice-password");
            await bob.SignInAsync("bob", "bob-password");
            using (var home = await alice.GetPageAsync("/"))
            {
                Assert.Contains("Signed in as <strong>Alice Adams</strong>", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            // The chat account is made on first sight, named from the app's claims; nobody has a chat password.
            var aliceMe = await alice.GetAsync("users/me", ws.UserDto);
            var bobMe = await bob.GetAsync("users/me", ws.UserDto);
            (aliceId, bobId) = (aliceMe.Id, bobMe.Id);
            Assert.Equal("Alice Adams", aliceMe.DisplayName);
            Assert.Equal("Bob Brown", bobMe.DisplayName);
            Assert.True(aliceMe.IsServerAdmin);
            Assert.False(bobMe.IsServerAdmin);
            using (var register = await bob.SendAsync(HttpMethod.Post, "auth/register", """{"email":"eve@example.test","password":"correct horse","display_name":"Eve"}"""))
            {
                Assert.Equal(HttpStatusCode.Forbidden, register.StatusCode);
                Assert.Contains(ErrorCodes.RegistrationClosed, await register.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            // Alice makes a workspace and a channel with her cookie; Bob joins with her invite code.
            var workspace = await alice.PostAsync("workspaces", """{"name":"Team"}""", ws.WorkspaceDto);
            var channel = await alice.PostAsync($"workspaces/{workspace.Id}/channels", """{"name":"general"}""", ws.ChannelDto);
            (workspaceId, channelId) = (workspace.Id, channel.Id);
            var invite = await alice.PostAsync($"workspaces/{workspace.Id}/invites", "{}", ws.InviteDto);
            await bob.PostAsync($"invites/{invite.Code}/accept", "", ws.WorkspaceDto);
            await bob.PostAsync($"workspaces/{workspace.Id}/channels/{channel.Id}/join", "", ws.ChannelMemberDto);
            var members = await alice.GetAsync($"workspaces/{workspace.Id}/members", ws.IReadOnlyListWorkspaceMemberDto);
            Assert.Equal("Bob Brown", Assert.Single(members, m => m.User.Id == bobId).User.DisplayName);

            // Bob's page opens the gateway as a browser does: a ticket from a same-origin POST, then IDENTIFY with it.
            var ticket = await bob.PostAsync("gateway/ticket", "", ws.GatewayTicketDto);
            Assert.StartsWith("tgt_", ticket.Ticket, StringComparison.Ordinal);
            Assert.Equal(30, ticket.ExpiresIn);
            using var socket = await BrowserSocket.ConnectAsync(app);
            var ready = await socket.IdentifyAsync(ticket.Ticket);
            Assert.Contains(bobId, ready, StringComparison.Ordinal);

            var hello = await alice.PostAsync($"workspaces/{workspace.Id}/channels/{channel.Id}/messages", """{"content":"Hello, Bob!"}""", ws.MessageDto);
            var live = await socket.ReadDispatchAsync(GatewayEvents.MessageCreate).Within();
            Assert.Contains("\"content\":\"Hello, Bob!\"", live, StringComparison.Ordinal);
            Assert.Contains($"\"id\":\"{hello.Id}\"", live, StringComparison.Ordinal);

            // The app's hooks (docs/embedding.md §10): its moderation refuses a message before it is stored, and rewrites
            // another; its after-commit handler counted what was posted.
            using (var advert = await alice.SendAsync(HttpMethod.Post, $"workspaces/{workspace.Id}/channels/{channel.Id}/messages", """{"content":"Buy followers here!"}"""))
            {
                Assert.Equal(HttpStatusCode.Forbidden, advert.StatusCode);
                var problem = await advert.Content.ReadAsStringAsync();
                Assert.Contains("\"code\":\"message_rejected\"", problem, StringComparison.Ordinal);
                Assert.Contains("Advertising is not allowed in this chat.", problem, StringComparison.Ordinal);
            }
            var masked = await alice.PostAsync($"workspaces/{workspace.Id}/channels/{channel.Id}/messages", """{"content":"the password is hunter2"}""", ws.MessageDto);
            Assert.Equal("the password is *******", masked.Content);
            Assert.Contains("\"content\":\"the password is *******\"", await socket.ReadDispatchAsync(GatewayEvents.MessageCreate).Within(), StringComparison.Ordinal);
            using (var edit = await alice.SendAsync(HttpMethod.Patch, $"workspaces/{workspace.Id}/channels/{channel.Id}/messages/{masked.Id}", """{"content":"buy followers, edited in"}"""))
            {
                Assert.Equal(HttpStatusCode.Forbidden, edit.StatusCode);
            }
            using (var home = await alice.GetPageAsync("/"))
            {
                Assert.Contains("Chat messages since the app started: 2.", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            // The ticket is used up: a second connection with it is closed as unauthenticated, and so is the event stream.
            using (var again = await BrowserSocket.ConnectAsync(app))
            {
                Assert.Equal(GatewayCloseCodes.AuthenticationFailed, await again.IdentifyExpectingCloseAsync(ticket.Ticket).Within());
            }
            using (var stream = await bob.SendAsync(HttpMethod.Get, "events?access_token=" + ticket.Ticket))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, stream.StatusCode);
            }

            // Another site's page can make Bob's browser send his cookie, but not change anything with it.
            var before = (await bob.GetAsync($"workspaces/{workspace.Id}/channels/{channel.Id}/messages", ws.MessagePage)).Messages.Count;
            using (var forged = await bob.SendAsync(HttpMethod.Post, $"workspaces/{workspace.Id}/channels/{channel.Id}/messages", """{"content":"forged"}""", origin: "https://evil.example", fetchSite: "cross-site"))
            {
                Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
            }
            using (var forged = await bob.SendAsync(HttpMethod.Post, "gateway/ticket", origin: "https://evil.example", fetchSite: "cross-site"))
            {
                Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
            }
            using (var oldBrowser = await bob.SendAsync(HttpMethod.Post, $"workspaces/{workspace.Id}/channels/{channel.Id}/messages", """{"content":"forged"}""", origin: "https://evil.example", fetchSite: ""))
            {
                Assert.Equal(HttpStatusCode.Forbidden, oldBrowser.StatusCode);
            }
            Assert.Equal(before, (await bob.GetAsync($"workspaces/{workspace.Id}/channels/{channel.Id}/messages", ws.MessagePage)).Messages.Count);

            await bob.PostAsync($"workspaces/{workspace.Id}/channels/{channel.Id}/messages", """{"content":"Hi Alice"}""", ws.MessageDto);
        }

        // The process was killed. Started again on the same data folder, it has everything: the same accounts (Alice's old
        // cookie still works, since the cookie keys live there too), the workspace and the history.
        await using (var app = await EmbeddedChatApp.StartAsync(port, dataDir, dll))
        {
            using var alice = new Browser(app, aliceCookies);
            using var bob = new Browser(app);
            Assert.Equal(aliceId, (await alice.GetAsync("users/me", TanagerJsonContext.Default.UserDto)).Id);
            await bob.SignInAsync("bob", "bob-password");
            Assert.Equal(bobId, (await bob.GetAsync("users/me", TanagerJsonContext.Default.UserDto)).Id);

            Assert.Equal("Team", Assert.Single(await bob.GetAsync("workspaces", TanagerJsonContext.Default.IReadOnlyListWorkspaceDto)).Name);
            var history = (await bob.GetAsync($"workspaces/{workspaceId}/channels/{channelId}/messages", TanagerJsonContext.Default.MessagePage)).Messages;
            Assert.Equal(["Hello, Bob!", "the password is *******", "Hi Alice"], history.Select(m => m.Content));
            Assert.Equal([aliceId, aliceId, bobId], history.Select(m => m.AuthorId));
        }
        Directory.Delete(dataDir, recursive: true);
    }

    [Fact]
    public async Task A_build_of_the_embedded_sample_run_outside_Development_warns_that_the_web_client_s_files_are_not_served()
    {
        var dataDir = Directory.CreateTempSubdirectory("embedded-chat-").FullName;
        await using (var app = await EmbeddedChatApp.StartAsync(Ports.Free(), dataDir))
        {
            Assert.True(await Eventually.UntilAsync(() => Task.FromResult(app.Output.Contains("The web client is mapped at '/chat/'", StringComparison.Ordinal)), 15), app.Output);
            Assert.Contains("UseStaticWebAssets", app.Output, StringComparison.Ordinal);
        }
        Directory.Delete(dataDir, recursive: true);
    }

    [Fact]
    public void The_samples_stay_as_short_as_promised()
    {
        // Everything else in EmbeddedChat is the app's own (its login form, pages, cookie); Tanager's part is marked.
        Assert.InRange(TanagerLines("EmbeddedChat"), 1, 10);
        Assert.InRange(CodeLines(File.ReadAllLines(ProgramOf("EchoBot"))), 1, 20);
    }

    [Fact]
    public void Every_program_block_of_the_embedding_guide_is_the_sample_s_own_code()
    {
        var guide = File.ReadAllText(Path.Combine(Repository.Root, "docs", "embedding.md"));
        var program = Trimmed(File.ReadAllLines(ProgramOf("EmbeddedChat")));
        var blocks = ProgramBlock().Matches(guide).Select(m => Trimmed(m.Groups["code"].Value.Split('\n'))).ToList();

        Assert.True(blocks.Count >= 5, $"only {blocks.Count} marked blocks");
        foreach (var block in blocks)
        {
            Assert.True(Enumerable.Range(0, program.Length - block.Length + 1).Any(i => program.AsSpan(i, block.Length).SequenceEqual(block)),
                "Not in samples/EmbeddedChat/Program.cs as written:\n" + string.Join('\n', block));
        }
    }

    [Fact]
    public void The_README_embed_snippet_is_the_sample_s_code_in_the_same_order()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var snippet = Trimmed(ReadmeEmbedBlock().Match(readme).Groups["code"].Value.Split('\n')).Where(l => !l.StartsWith("//", StringComparison.Ordinal)).ToList();
        var program = Trimmed(File.ReadAllLines(ProgramOf("EmbeddedChat")));

        Assert.Contains(snippet, l => l.StartsWith("builder.Services.AddTanager(", StringComparison.Ordinal));
        var at = 0;
        foreach (var line in snippet)
        {
            var found = Array.IndexOf(program, line, at);
            Assert.True(found >= 0, $"README line not in samples/EmbeddedChat/Program.cs (in this order): {line}");
            at = found + 1;
        }
    }

    [Fact]
    public async Task The_embedding_guide_s_shell_walkthroughs_run_against_the_sample_and_survive_a_restart()
    {
        var guide = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "embedding.md"));
        var tryIt = ShellBlock("try-it").Match(guide).Groups["script"].Value;
        var apiKeys = ShellBlock("api-keys").Match(guide).Groups["script"].Value;
        Assert.StartsWith("S=http://localhost:5000\n", tryIt, StringComparison.Ordinal);
        Assert.NotEmpty(apiKeys);
        var dataDir = Directory.CreateTempSubdirectory("embedded-chat-").FullName;
        var shellDir = Directory.CreateTempSubdirectory("embedded-chat-shell-").FullName;
        var port = Ports.Free();
        var script = tryIt.Replace("S=http://localhost:5000\n", $"S=http://127.0.0.1:{port}\n", StringComparison.Ordinal) + apiKeys;

        string aliceLine;
        await using (var app = await EmbeddedChatApp.StartAsync(port, dataDir))
        {
            await using var bash = ChildProcess.Start("bash", ["-c", "set -e\n" + script], workingDirectory: shellDir);
            await bash.WaitForExitAsync(120);
            var output = string.Join('\n', bash.Lines);
            Assert.True(bash.ExitCode == 0, $"exit {bash.ExitCode}\n{output}\n{bash.Errors}\n{app.Output}");

            aliceLine = Assert.Single(bash.Lines, l => l.StartsWith("{\"id\":", StringComparison.Ordinal) && l.Contains("\"display_name\":\"Alice Adams\"", StringComparison.Ordinal));
            var received = bash.Lines.SkipWhile(l => l != "event: MESSAGE_CREATE").Skip(1).First();
            Assert.StartsWith("data: {", received, StringComparison.Ordinal);
            Assert.Contains("\"content\":\"Hello, Bob!\"", received, StringComparison.Ordinal);
            Assert.Contains("\"sequence\":1,", received, StringComparison.Ordinal);
            var carol = Assert.Single(bash.Lines, l => l.Contains("\"content\":\"Hi, I am Carol\"", StringComparison.Ordinal));
            Assert.Contains("\"sequence\":2,", carol, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(shellDir, "bob-events.txt")));
        }

        // "Stop the sample and start it again on the same --data-dir": the cookie jar still signs Alice in, as herself.
        await using (var app = await EmbeddedChatApp.StartAsync(port, dataDir))
        {
            await using var curl = ChildProcess.Start("curl", ["-s", "-b", "alice.jar", $"http://127.0.0.1:{port}/chat/api/v1/users/me"], workingDirectory: shellDir);
            await curl.WaitForExitAsync(30);
            Assert.True(await Eventually.Until(() => curl.Lines.Count > 0, 5));
            Assert.Equal(aliceLine, Assert.Single(curl.Lines));
        }
        Directory.Delete(dataDir, recursive: true);
        Directory.Delete(shellDir, recursive: true);
    }

    [GeneratedRegex("<!-- embedding:program -->\\s*```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ProgramBlock();

    [GeneratedRegex("<!-- embed:start -->\\s*```csharp\\n(?<code>.*?)```\\s*<!-- embed:end -->", RegexOptions.Singleline)]
    private static partial Regex ReadmeEmbedBlock();

    private static Regex ShellBlock(string name) =>
        new($"<!-- embedding:{name}:start -->\\s*```bash\\n(?<script>.*?)```\\s*<!-- embedding:{name}:end -->", RegexOptions.Singleline);

    private static string ProgramOf(string sample) => Path.Combine(Repository.Root, "samples", sample, "Program.cs");

    private static string[] Trimmed(IEnumerable<string> lines) => [.. lines.Select(l => l.Trim()).Where(l => l.Length > 0)];

    /// <summary>The lines between <c>// tanager:start</c> and <c>// tanager:end</c> markers that are code, not comments or braces.</summary>
    private static int TanagerLines(string sample)
    {
        var lines = Trimmed(File.ReadAllLines(ProgramOf(sample)));
        var marked = new List<string>();
        var inside = false;
        foreach (var line in lines)
        {
            inside = line switch
            {
                "// tanager:start" => true,
                "// tanager:end" => false,
                _ => inside,
            };
            if (inside)
            {
                marked.Add(line);
            }
        }
        Assert.False(inside, "a tanager:start marker has no tanager:end");
        return CodeLines(marked);
    }

    private static int CodeLines(IEnumerable<string> lines) => lines
        .Select(l => l.Trim())
        .Count(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal) && l is not "{" and not "}" and not "};" and not "});");
}
