using Tanager.Client;
using Tanager.Protocol;
using Tanager.Server;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.PubSub;

/// <summary>Several tanager nodes sharing one database and one nats-server, and <c>tanager serve --nats-url</c> as a self-hoster runs it.</summary>
public sealed class NatsNodesTests
{
    private static string TanagerDll => Path.Combine(Repository.Root, "Tanager.Server", "bin", Repository.Configuration, "net10.0", "tanager.dll");

    [Fact]
    public async Task A_message_posted_on_one_node_reaches_a_gateway_client_connected_to_another()
    {
        var nats = await NatsServer.GetSharedAsync();
        var settings = await TestServer.SettingsForAsync(TestStorage.Postgres) with { NatsUrl = nats.Url };
        await using var nodeA = await TestServer.StartAsync(settings);
        await using var nodeB = await TestServer.StartAsync(settings);
        var room = await ChatRoom.CreateAsync(nodeA, members: 1);
        // The member reads through node B; the owner posts through node A.
        await using var reader = await TanagerClient.LoginAsync(nodeB.Url, room.Members[0].User!.Email!, "correct horse battery");
        var received = new TaskCompletionSource<MessageDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.Gateway.MessageCreated += message =>
        {
            received.TrySetResult(message);
            return Task.CompletedTask;
        };
        await reader.Gateway.ConnectAsync().Within();

        var posted = await room.PostAsync("hello from node A");

        var message = await received.Task.Within();
        Assert.Equal(posted.Id, message.Id);
        Assert.Equal("hello from node A", message.Content);
        Assert.Equal(1, message.Sequence);
        foreach (var member in room.Members.Append(room.Owner))
        {
            await member.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:4222")]
    [InlineData("127.0.0.1:4222")]
    [InlineData("nats://127.0.0.1:4222/tanager")]
    public async Task Serve_refuses_a_nats_url_that_is_not_nats_or_tls(string url)
    {
        await using var serve = ChildProcess.Start("dotnet", [TanagerDll, "serve", "--nats-url", url]);
        await serve.WaitForExitAsync(60);

        Assert.NotEqual(0, serve.ExitCode);
        Assert.Contains("--nats-url must be a nats://host:port or tls://host:port URL", serve.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_stops_at_once_with_a_clear_message_when_nats_is_unreachable()
    {
        var port = Ports.Free();
        var data = Directory.CreateTempSubdirectory("tanager-nats-cli-").FullName;
        await using var serve = ChildProcess.Start(
            "dotnet",
            [TanagerDll, "serve", "--listen", $"http://127.0.0.1:{Ports.Free()}", "--data-dir", data],
            new Dictionary<string, string> { ["TANAGER_NATS_URL"] = $"nats://ann:s3cret@127.0.0.1:{port}" });
        await serve.WaitForExitAsync(60);

        Assert.Equal(1, serve.ExitCode);
        Assert.Contains($"Cannot connect to NATS at nats://***@127.0.0.1:{port}", serve.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", serve.Errors + string.Join('\n', serve.Lines), StringComparison.Ordinal);
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Serve_with_a_nats_url_logs_the_server_without_credentials_and_serves()
    {
        await using var nats = await NatsServer.StartAsync("--user", "ann", "--pass", "s3cret");
        var data = Directory.CreateTempSubdirectory("tanager-nats-cli-").FullName;
        var listen = $"http://127.0.0.1:{Ports.Free()}";
        await using var serve = ChildProcess.Start(
            "dotnet",
            [TanagerDll, "serve", "--listen", listen, "--data-dir", data, "--nats-url", $"nats://ann:s3cret@127.0.0.1:{nats.Port}"]);

        var line = await serve.WaitForLineAsync("Live events travel through", 60);
        Assert.Contains($"nats (nats://***@127.0.0.1:{nats.Port})", line, StringComparison.Ordinal);
        using var http = new HttpClient();
        Assert.True(await Eventually.UntilAsync(async () =>
        {
            try
            {
                return (await http.GetAsync(new Uri(listen + "/health"))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, 60), serve.Errors);
        Assert.DoesNotContain("s3cret", serve.Errors + string.Join('\n', serve.Lines), StringComparison.Ordinal);
    }
}
