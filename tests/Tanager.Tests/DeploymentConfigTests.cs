using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// The example configuration in docs/deployment/ works as docs/deployment.md says: the real nats-server runs
/// nats-server.conf, two nodes share it and PostgreSQL, and the real nginx (nginx.conf) or HAProxy (haproxy.cfg) sits in
/// front of them. Only the values the files mark EDIT are replaced (addresses, ports, the log folder).
/// </summary>
public sealed class DeploymentConfigTests
{
    private const string NatsPassword = "change-this-password";

    [Theory]
    [InlineData("nginx")]
    [InlineData("haproxy")]
    public async Task Clients_reach_two_nodes_through_the_example_balancer_and_events_are_not_buffered(string balancer)
    {
        var folder = Directory.CreateTempSubdirectory($"tanager-{balancer}-");
        // nginx's workers run as nobody: they must be able to reach the folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        try
        {
            await using var nats = await StartNatsAsync(folder.FullName);
            var settings = await TestServer.SettingsForAsync(TestStorage.Postgres) with { NatsUrl = $"nats://tanager:{NatsPassword}@127.0.0.1:{nats.Port}" };
            await using var nodeA = await TestServer.StartAsync(settings);
            await using var nodeB = await TestServer.StartAsync(settings);
            var port = Ports.Free();
            await using var proxy = balancer == "nginx"
                ? StartNginx(folder.FullName, port, nodeA.Url, nodeB.Url)
                : StartHaproxy(folder.FullName, port, nodeA.Url, nodeB.Url);
            var url = new Uri($"http://127.0.0.1:{port}/");
            using var http = new HttpClient();
            Assert.True(await Eventually.UntilAsync(async () => await IsHealthyAsync(http, url), 30), $"{balancer} never passed /health through.\n{proxy.Errors}\n{string.Join('\n', proxy.Lines)}\n{ReadLog(folder.FullName)}");

            if (balancer == "haproxy")
            {
                // With "fall 1" (for draining), one slow check on a loaded machine takes a node out until two pass again: the
                // gateways would then both land on the other node. Wait until HAProxy has both up.
                Assert.True(await Eventually.UntilAsync(async () => await HaproxyServersUpAsync(folder.FullName) == 2, 30),
                    $"HAProxy never had both nodes up.\n{proxy.Errors}\n{string.Join('\n', proxy.Lines)}");
            }
            var room = await ChatRoom.CreateAsync(nodeA, members: 2);

            // Bots log in and connect through the balancer until both nodes hold a gateway. Least-connections counts every
            // connection, the clients' keep-alive REST ones included, so two clients can both land on one node; the next
            // ones go to the other. A balancer that sends everything to one node fails.
            var received = new List<TaskCompletionSource<MessageDto>>();
            var bots = new List<TanagerClient>();
            try
            {
                var hubA = nodeA.Services.GetRequiredService<GatewayHub>();
                var hubB = nodeB.Services.GetRequiredService<GatewayHub>();
                for (var i = 0; i < 6 && (hubA.SessionCount == 0 || hubB.SessionCount == 0); i++)
                {
                    var member = room.Members[i % room.Members.Count];
                    var bot = await TanagerClient.LoginAsync(url, member.User!.Email!, "correct horse battery");
                    bots.Add(bot);
                    var message = new TaskCompletionSource<MessageDto>(TaskCreationOptions.RunContinuationsAsynchronously);
                    received.Add(message);
                    bot.Gateway.MessageCreated += m =>
                    {
                        message.TrySetResult(m);
                        return Task.CompletedTask;
                    };
                    await bot.Gateway.ConnectAsync().Within();
                    Assert.True(await Eventually.Until(() => hubA.SessionCount + hubB.SessionCount == bots.Count, seconds: 10), "a gateway connection was not counted");
                }
                Assert.True(hubA.SessionCount > 0 && hubB.SessionCount > 0, $"Gateway sessions: node A {hubA.SessionCount}, node B {hubB.SessionCount}.");

                await using var poster = await TanagerClient.LoginAsync(url, room.Owner.User!.Email!, "correct horse battery");
                var posted = await poster.PostMessageAsync(room.Workspace.Id, room.Channel.Id, $"through {balancer}");
                foreach (var message in received)
                {
                    var got = await message.Task.Within();
                    Assert.Equal(posted.Id, got.Id);
                    Assert.Equal($"through {balancer}", got.Content);
                }

                // Server-sent events through the balancer: each record must come as it is written, not when a buffer fills.
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, "api/v1/events"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bots[0].Token);
                request.Headers.Accept.ParseAdd("text/event-stream");
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
                await ReadRecordAsync(reader, "READY", TimeSpan.FromSeconds(20));
                var sent = DateTime.UtcNow;
                var live = await poster.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "streamed");
                var record = await ReadRecordAsync(reader, "MESSAGE_CREATE", TimeSpan.FromSeconds(3));
                var elapsed = DateTime.UtcNow - sent;
                Assert.Equal(live.Id, JsonDocument.Parse(record.Data).RootElement.GetProperty("id").GetString());
                Assert.Equal($"{room.Channel.Id}:{live.ChangeSequence}", record.Id);
                Assert.True(elapsed < TimeSpan.FromSeconds(2), $"The event took {elapsed.TotalMilliseconds:F0} ms through {balancer}.");
            }
            finally
            {
                foreach (var bot in bots)
                {
                    await bot.DisposeAsync();
                }
                foreach (var client in room.Members.Append(room.Owner))
                {
                    await client.DisposeAsync();
                }
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The example nats-server.conf, listening on free loopback ports; nodes log in with its user and password.</summary>
    private static async Task<RunningNats> StartNatsAsync(string folder)
    {
        var port = Ports.Free();
        var config = Render("nats-server.conf", folder, new()
        {
            ["listen: 10.0.0.5:4222"] = $"listen: 127.0.0.1:{port}",
            ["http: 127.0.0.1:8222"] = $"http: 127.0.0.1:{Ports.Free()}",
        });
        var process = ChildProcess.Start("nats-server", ["-c", config]);
        Assert.True(await Eventually.UntilAsync(async () => process.HasExited || await AcceptsAsync(port), 20), "nats-server did not listen.");
        Assert.False(process.HasExited, $"nats-server stopped:\n{process.Errors}");
        return new RunningNats(process, port);
    }

    private static ChildProcess StartNginx(string folder, int port, Uri nodeA, Uri nodeB)
    {
        var site = Render("nginx.conf", folder, new()
        {
            ["listen 80;"] = $"listen 127.0.0.1:{port};",
            ["10.0.0.11:8080"] = nodeA.Authority,
            ["10.0.0.12:8080"] = nodeB.Authority,
            ["/var/log/nginx/"] = folder + "/",
        });
        // What Debian's /etc/nginx/nginx.conf provides around conf.d/*.conf, kept inside the temporary folder.
        var main = Path.Combine(folder, "main.conf");
        File.WriteAllText(main, $$"""
            worker_processes 2;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log info;
            events { worker_connections 1024; }
            http {
                client_body_temp_path {{folder}}/client_body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
                include {{site}};
            }
            """);
        return ChildProcess.Start("nginx", ["-p", folder, "-e", Path.Combine(folder, "error.log"), "-c", main, "-g", "daemon off;"]);
    }

    private static ChildProcess StartHaproxy(string folder, int port, Uri nodeA, Uri nodeB)
    {
        var config = Render("haproxy.cfg", folder, new()
        {
            // The test's own addition: a stats socket, to wait until HAProxy's checks have found both nodes up.
            ["    log stdout format raw local0\n"] = $"    log stdout format raw local0\n    stats socket {Path.Combine(folder, "haproxy.sock")} level user\n",
            ["bind :80"] = $"bind 127.0.0.1:{port}",
            ["10.0.0.11:8080"] = nodeA.Authority,
            ["10.0.0.12:8080"] = nodeB.Authority,
        });
        return ChildProcess.Start("haproxy", ["-db", "-f", config]);
    }

    /// <summary>How many servers of the tanager backend HAProxy's stats socket reports UP.</summary>
    private static async Task<int> HaproxyServersUpAsync(string folder)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path.Combine(folder, "haproxy.sock")));
            await socket.SendAsync("show stat\n"u8.ToArray());
            using var stream = new NetworkStream(socket, ownsSocket: false);
            var stat = await new StreamReader(stream).ReadToEndAsync();
            // CSV: pxname, svname, …, status (the 18th column).
            return stat.Split('\n').Select(line => line.Split(','))
                .Count(cells => cells.Length > 17 && cells[0] == "tanager" && cells[1].StartsWith("node", StringComparison.Ordinal) && cells[17] == "UP");
        }
        catch (SocketException)
        {
            return 0;
        }
    }

    /// <summary>Copies docs/deployment/<paramref name="name"/> into <paramref name="folder"/> with each value replaced; every one must occur.</summary>
    private static string Render(string name, string folder, Dictionary<string, string> replacements)
    {
        var text = File.ReadAllText(Path.Combine(Repository.Root, "docs", "deployment", name));
        foreach (var (from, to) in replacements)
        {
            Assert.True(text.Contains(from, StringComparison.Ordinal), $"docs/deployment/{name} no longer contains '{from}'; update docs/deployment.md and this test together.");
            text = text.Replace(from, to, StringComparison.Ordinal);
        }
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(string Event, string Data, string? Id)> ReadRecordAsync(StreamReader reader, string eventName, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        string? name = null, data = null, id = null;
        while (true)
        {
            var line = await reader.ReadLineAsync(deadline.Token) ?? throw new EndOfStreamException($"The stream ended before {eventName}.");
            if (line.Length == 0)
            {
                if (name == eventName)
                {
                    return (name, data!, id);
                }
                name = data = id = null;
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line["data: ".Length..];
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line["id: ".Length..];
            }
        }
    }

    private static async Task<bool> IsHealthyAsync(HttpClient http, Uri url)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(url, "health"));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string ReadLog(string folder)
    {
        var log = Path.Combine(folder, "error.log");
        return File.Exists(log) ? File.ReadAllText(log) : "";
    }

    private sealed class RunningNats(ChildProcess process, int port) : IAsyncDisposable
    {
        public int Port { get; } = port;

        public ValueTask DisposeAsync() => process.DisposeAsync();
    }
}
