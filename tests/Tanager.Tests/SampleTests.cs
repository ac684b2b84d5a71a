using System.Net;
using System.Net.Sockets;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>The samples run as a user would run them, as separate processes.</summary>
public sealed class SampleTests
{
    [Fact]
    public async Task The_embedded_sample_serves_its_own_page_and_chat_under_chat()
    {
        var port = Ports.Free();
        await using var app = ChildProcess.Start("dotnet", [Repository.SampleDll("EmbeddedChat"), "--urls", $"http://127.0.0.1:{port}"]);
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient();
        Assert.True(await Eventually.UntilAsync(() => ReachableAsync(http, baseUrl), 60), "sample did not start: " + app.Errors);
        Assert.Contains("existing app", await http.GetStringAsync(baseUrl), StringComparison.Ordinal);

        var chat = new Uri(baseUrl, "chat/");
        await using var alice = await TanagerClient.RegisterAsync(chat, "alice@example.test", "correct horse battery", "Alice");
        await using var bob = await TanagerClient.RegisterAsync(chat, "bob@example.test", "correct horse battery", "Bob");
        var workspace = await alice.CreateWorkspaceAsync("Team");
        var channel = await alice.CreateChannelAsync(workspace.Id, "general");
        // The sample runs the default policy: adding by email invites, and Bob accepts.
        await alice.AddWorkspaceMemberAsync(workspace.Id, "bob@example.test");
        await bob.AcceptInvitationAsync(Assert.Single(await bob.ListInvitationsAsync()).Id);
        await bob.JoinChannelAsync(workspace.Id, channel.Id);
        var received = new TaskCompletionSource<MessageDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.Gateway.MessageCreated += m => Task.FromResult(received.TrySetResult(m));
        await bob.Gateway.ConnectAsync().Within();

        await alice.PostMessageAsync(workspace.Id, channel.Id, "hi from the embedded app");

        Assert.Equal("hi from the embedded app", (await received.Task.Within()).Content);
    }

    [Fact]
    public async Task The_echo_bot_answers_a_message()
    {
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 0);
        var botEmail = $"bot-{Guid.NewGuid():N}@example.test";
        await using (var botAccount = await TanagerClient.RegisterAsync(server.Url, botEmail, "bot password 1", "Echo"))
        {
            await room.Owner.AddWorkspaceMemberByIdAsync(room.Workspace.Id, botAccount.User!.Id);
            await botAccount.JoinChannelAsync(room.Workspace.Id, room.Channel.Id);
        }
        await using var bot = ChildProcess.Start("dotnet", [Repository.SampleDll("EchoBot")], new Dictionary<string, string>
        {
            ["TANAGER_URL"] = server.Url.ToString(),
            ["BOT_EMAIL"] = botEmail,
            ["BOT_PASSWORD"] = "bot password 1",
        });
        await bot.WaitForLineAsync("echo bot ready", 60);
        var echo = new TaskCompletionSource<MessageDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        room.Owner.Gateway.MessageCreated += m => Task.FromResult(m.Content.StartsWith("echo:", StringComparison.Ordinal) && echo.TrySetResult(m));
        await room.Owner.Gateway.ConnectAsync().Within();

        await room.PostAsync("hello bot");

        var answer = await echo.Task.Within();
        Assert.Equal("echo: hello bot", answer.Content);
        Assert.NotEqual(room.Owner.User!.Id, answer.AuthorId);
        await room.Owner.DisposeAsync();
    }

    [Fact]
    public void The_samples_stay_as_short_as_promised()
    {
        Assert.InRange(CodeLines("EmbeddedChat"), 1, 10);
        Assert.InRange(CodeLines("EchoBot"), 1, 20);
    }

    private static int CodeLines(string sample) => File.ReadAllLines(Path.Combine(Repository.Root, "samples", sample, "Program.cs"))
        .Select(l => l.Trim())
        .Count(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal) && l is not "{" and not "}" and not "};");


    private static async Task<bool> ReachableAsync(HttpClient http, Uri url)
    {
        try
        {
            using var response = await http.GetAsync(url);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
