using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.Edge;

/// <summary>Issue 12's hardened edge against the real server: headers, origins, HEAD, error details, tickets, file modes.</summary>
public sealed class EdgeTests : IAsyncLifetime
{
    private const string AllowedOrigin = "https://chat.example.test";
    private TestServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(o => o.AllowedOrigins.Add(AllowedOrigin));
        _http = new HttpClient { BaseAddress = _server.Url };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_gateway_upgrade_from_a_foreign_origin_is_refused_and_allowed_ones_and_no_origin_work()
    {
        Assert.Equal(HttpStatusCode.Forbidden, await ThrottlingTests.UpgradeStatusAsync(_server, "https://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, await ThrottlingTests.UpgradeStatusAsync(_server, "null"));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await ThrottlingTests.UpgradeStatusAsync(_server, AllowedOrigin));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await ThrottlingTests.UpgradeStatusAsync(_server, _server.Url.GetLeftPart(UriPartial.Authority)));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await ThrottlingTests.UpgradeStatusAsync(_server, origin: null));

        // An allowed origin gets all the way to READY.
        var user = await _server.NewUserAsync();
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", AllowedOrigin);
        await socket.ConnectAsync(new Uri(_server.Url.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "gateway"), CancellationToken.None).Within();
        await ReceiveTextAsync(socket);
        await socket.SendAsync(Encoding.UTF8.GetBytes($"{{\"op\":2,\"d\":{{\"token\":\"{user.Token}\"}}}}"), WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Contains("READY", await ReceiveTextAsync(socket).Within(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_event_stream_refuses_a_foreign_origin_and_a_session_token_in_the_URL_but_takes_a_ticket_or_a_header()
    {
        var user = await _server.NewUserAsync();
        using (var foreign = new HttpRequestMessage(HttpMethod.Get, "api/v1/events"))
        {
            foreign.Headers.Add("Origin", "https://evil.example");
            foreign.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
            using var response = await _http.SendAsync(foreign, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        using (var sessionInUrl = await _http.GetAsync($"api/v1/events?access_token={user.Token}", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, sessionInUrl.StatusCode);
        }
        var ticket = await user.CreateGatewayTicketAsync();
        using (var ticketInUrl = await _http.GetAsync($"api/v1/events?access_token={ticket.Ticket}", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, ticketInUrl.StatusCode);
            Assert.Equal("text/event-stream", ticketInUrl.Content.Headers.ContentType?.MediaType);
        }
        using var header = new HttpRequestMessage(HttpMethod.Get, "api/v1/events");
        header.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        using var withHeader = await _http.SendAsync(header, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, withHeader.StatusCode);
    }

    [Theory]
    [InlineData("health", false)]
    [InlineData("api/v1/users/me", true)]
    [InlineData("api/v1/users/me", false)]
    [InlineData("api/v1/workspaces", true)]
    [InlineData("api/v1/no-such-route", false)]
    [InlineData("api/v1/files/some/key", false)]
    public async Task Every_response_carries_the_security_headers(string path, bool authenticated)
    {
        var user = authenticated ? await _server.NewUserAsync() : null;
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (user is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        }
        using var response = await _http.SendAsync(request);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Equal("same-site", Header(response, "Cross-Origin-Resource-Policy"));
        if (authenticated)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control: {response.Headers.CacheControl}");
        }
        // Plain HTTP: no HSTS (it is sent only over HTTPS).
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task HSTS_is_sent_when_the_client_came_over_HTTPS()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "health");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Host = "chat.example.test";
        using var response = await _http.SendAsync(request);
        Assert.StartsWith("max-age=", Header(response, "Strict-Transport-Security"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HEAD_is_answered_on_every_GET_route_as_GET_is_but_without_a_body()
    {
        var room = await ChatRoom.CreateAsync(_server, 0);
        var routes = _server.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("GET") ?? false)
            .Select(e => e.RoutePattern.RawText!)
            .Distinct()
            .ToList();
        Assert.True(routes.Count > 20, string.Join("\n", routes));
        foreach (var pattern in routes)
        {
            var path = Fill(pattern, room);
            // The event stream never ends for a signed-in GET: compare it unauthenticated.
            var token = pattern.EndsWith("/events", StringComparison.Ordinal) ? null : room.Owner.Token;
            using var get = await SendAsync(HttpMethod.Get, path, token);
            using var head = await SendAsync(HttpMethod.Head, path, token);
            Assert.True(get.StatusCode == head.StatusCode, $"{pattern}: GET {(int)get.StatusCode}, HEAD {(int)head.StatusCode}");
            Assert.NotEqual(HttpStatusCode.MethodNotAllowed, head.StatusCode);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
            Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task A_body_with_a_lone_surrogate_is_refused_without_naming_internal_types()
    {
        var room = await ChatRoom.CreateAsync(_server, 0);
        foreach (var (path, body) in new[]
        {
            ($"api/v1/workspaces/{room.Workspace.Id}/channels/{room.Channel.Id}/messages", "{\"content\":\"\\ud800\"}"),
            ($"api/v1/workspaces/{room.Workspace.Id}/channels/{room.Channel.Id}/messages", "{\"content\":42}"),
            ("api/v1/workspaces", "{\"name\":[1,2]}"),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", room.Owner.Token);
            using var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("Tanager.", text, StringComparison.Ordinal);
            Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
            using var problem = JsonDocument.Parse(text);
            Assert.Equal(ErrorCodes.InvalidRequest, problem.RootElement.GetProperty("code").GetString());
            Assert.Contains("$.", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CORS_answers_only_the_allowed_origins()
    {
        foreach (var (origin, allowed) in new[] { (AllowedOrigin, true), ("https://evil.example", false) })
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "api/v1/users/me");
            preflight.Headers.Add("Origin", origin);
            preflight.Headers.Add("Access-Control-Request-Method", "GET");
            preflight.Headers.Add("Access-Control-Request-Headers", "authorization");
            using var response = await _http.SendAsync(preflight);
            Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Single() == origin);
        }
    }

    [Fact]
    public async Task CORS_is_off_by_default()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Url };
        using var request = new HttpRequestMessage(HttpMethod.Get, "health");
        request.Headers.Add("Origin", AllowedOrigin);
        using var response = await http.SendAsync(request);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task The_SQLite_file_and_the_data_folders_are_created_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var root = Directory.CreateTempSubdirectory("tanager-modes-").FullName;
        var data = Path.Combine(root, "new", "data");
        var settings = new Tanager.Server.ServerSettings(new Uri("http://127.0.0.1:0"), data);
        await using (var server = await TestServer.StartAsync(settings))
        {
            // A write, so SQLite has made its -wal and -shm files too.
            await server.NewUserAsync();
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(root, "new")));
            foreach (var file in Directory.GetFiles(data, "tanager.db*"))
            {
                Assert.True((File.GetUnixFileMode(file) & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite)) == 0, $"{file}: {File.GetUnixFileMode(file)}");
            }
        }

        var files = new LocalDiskFileStore(Path.Combine(root, "files"));
        await files.PutAsync("ws/attachment/name.txt", new MemoryStream("abc"u8.ToArray()), 3, "text/plain");
        _ = await files.GetDownloadUrlAsync("ws/attachment/name.txt", new FileDownload("text/plain", "attachment"), DateTimeOffset.UtcNow.AddMinutes(1));
        foreach (var folder in Directory.GetDirectories(Path.Combine(root, "files"), "*", SearchOption.AllDirectories).Append(Path.Combine(root, "files")))
        {
            Assert.True(File.GetUnixFileMode(folder) == (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), $"{folder}: {File.GetUnixFileMode(folder)}");
        }
        foreach (var file in Directory.GetFiles(Path.Combine(root, "files"), "*", SearchOption.AllDirectories))
        {
            Assert.True((File.GetUnixFileMode(file) & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite)) == 0, $"{file}: {File.GetUnixFileMode(file)}");
        }
    }

    private static string Fill(string pattern, ChatRoom room) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, "\\{\\*{0,2}(?<name>[^}:]+)[^}]*\\}", m => m.Groups["name"].Value switch
        {
            "workspaceId" => room.Workspace.Id,
            "channelId" => room.Channel.Id,
            "userId" => room.Owner.User!.Id,
            "key" => "some/key",
            _ => "01ARZ3NDEKTSV4RRFFQ69G5FAV",
        });

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await _http.SendAsync(request);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : "";

    private static async Task<string> ReceiveTextAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }
}
