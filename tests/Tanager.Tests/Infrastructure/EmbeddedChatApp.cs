using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Tanager.Protocol;

namespace Tanager.Tests.Infrastructure;

/// <summary>samples/EmbeddedChat run as a user runs it: its own process, on a loopback port and a data folder.</summary>
internal sealed class EmbeddedChatApp : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private EmbeddedChatApp(ChildProcess process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }
    /// <summary>The app's origin as a browser writes it in <c>Origin</c>.</summary>
    public string Origin => Url.GetLeftPart(UriPartial.Authority);
    public string Output => string.Join('\n', _process.Lines) + "\n" + _process.Errors;

    /// <param name="dll">The sample's build to run: this repository's own unless given.</param>
    /// <param name="development">
    /// Run it in the Development environment, as <c>dotnet run</c> does: a build (not a publish) serves the web client's
    /// files from their projects' folders only there.
    /// </param>
    public static async Task<EmbeddedChatApp> StartAsync(int port, string dataDir, string? dll = null, bool development = false)
    {
        var url = new Uri($"http://127.0.0.1:{port}/");
        var environment = development ? new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" } : null;
        var process = ChildProcess.Start("dotnet", [dll ?? Repository.SampleDll("EmbeddedChat"), "--urls", url.ToString(), "--data-dir", dataDir], environment);
        var app = new EmbeddedChatApp(process, url);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        if (!await Eventually.UntilAsync(() => app.ReachableAsync(http), 60))
        {
            var output = app.Output;
            var exited = process.HasExited ? $"it exited with code {process.ExitCode}" : "it is still running";
            await app.DisposeAsync();
            throw new TimeoutException($"The sample did not answer GET /login within 60 s ({exited}):\n" + output);
        }
        return app;
    }

    private async Task<bool> ReachableAsync(HttpClient http)
    {
        if (_process.HasExited)
        {
            return false;
        }
        try
        {
            using var response = await http.GetAsync(new Uri(Url, "login"));
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Stops the process the hard way (SIGKILL): what survives this survives any stop.</summary>
    public ValueTask DisposeAsync() => _process.DisposeAsync();
}

/// <summary>
/// A person in a browser: a cookie jar, the app's login form, and same-origin fetches of the chat API as a page would send
/// them (<c>Origin</c> and <c>Sec-Fetch-Site</c>). Tanager never sees a password of theirs.
/// </summary>
internal sealed partial class Browser : IDisposable
{
    private readonly HttpClient _http;

    public Browser(EmbeddedChatApp app, CookieContainer? cookies = null)
    {
        App = app;
        Cookies = cookies ?? new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = app.Url };
    }

    public EmbeddedChatApp App { get; }
    public CookieContainer Cookies { get; }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>Fills in and posts the app's own login form; returns the response (302 to / when it worked).</summary>
    public async Task<HttpResponseMessage> SubmitLoginAsync(string userName, string password)
    {
        var form = await _http.GetStringAsync("login");
        var token = AntiforgeryField().Match(form).Groups["token"].Value;
        Assert.NotEmpty(token);
        return await _http.PostAsync("login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["username"] = userName,
            ["password"] = password,
            ["returnUrl"] = "/",
        }));
    }

    public async Task SignInAsync(string userName, string password)
    {
        using var response = await SubmitLoginAsync(userName, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    public Task<HttpResponseMessage> GetPageAsync(string path) => _http.GetAsync(path);

    public async Task<T> GetAsync<T>(string api, JsonTypeInfo<T> type)
    {
        using var response = await SendAsync(HttpMethod.Get, api);
        return await ReadAsync(response, type);
    }

    public async Task<T> PostAsync<T>(string api, string json, JsonTypeInfo<T> type)
    {
        using var response = await SendAsync(HttpMethod.Post, api, json);
        return await ReadAsync(response, type);
    }

    /// <summary>A request to <c>/chat/api/v1/{api}</c> with the cookie and, by default, a same-origin page's fetch headers.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string api, string? json = null, string? origin = null, string fetchSite = "same-origin")
    {
        var request = new HttpRequestMessage(method, "chat/api/v1/" + api);
        request.Headers.Add("Origin", origin ?? App.Origin);
        request.Headers.Add("Sec-Fetch-Site", fetchSite);
        if (method != HttpMethod.Get)
        {
            request.Content = new StringContent(json ?? "", null, "application/json");
        }
        return _http.SendAsync(request);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {text}");
        return System.Text.Json.JsonSerializer.Deserialize(text, type)!;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>
/// A page's <c>new WebSocket(…)</c>, with .NET's own client: it sends the page's <c>Origin</c>, no Authorization header and
/// no cookie, and identifies with a gateway ticket.
/// </summary>
internal sealed class BrowserSocket : IDisposable
{
    private readonly ClientWebSocket _socket = new();

    private BrowserSocket()
    {
    }

    public static async Task<BrowserSocket> ConnectAsync(EmbeddedChatApp app)
    {
        var socket = new BrowserSocket();
        socket._socket.Options.SetRequestHeader("Origin", app.Origin);
        await socket._socket.ConnectAsync(new Uri($"ws://{app.Url.Authority}/chat/gateway"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        return socket;
    }

    /// <summary>Waits for HELLO, sends IDENTIFY with <paramref name="token"/>, and returns READY's text.</summary>
    public async Task<string> IdentifyAsync(string token)
    {
        await SendIdentifyAsync(token);
        return await ReadDispatchAsync(GatewayEvents.Ready).WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>Identifies with a token the server should refuse; returns the close code it closes with.</summary>
    public async Task<int?> IdentifyExpectingCloseAsync(string token)
    {
        await SendIdentifyAsync(token);
        while (await ReceiveAsync() is { } text)
        {
            Assert.DoesNotContain("\"t\":\"READY\"", text, StringComparison.Ordinal);
        }
        return (int?)_socket.CloseStatus;
    }

    /// <summary>Reads messages until a DISPATCH of <paramref name="eventName"/>, and returns its text.</summary>
    public async Task<string> ReadDispatchAsync(string eventName)
    {
        while (await ReceiveAsync() is { } text)
        {
            if (text.Contains($"\"t\":\"{eventName}\"", StringComparison.Ordinal))
            {
                return text;
            }
        }
        throw new InvalidOperationException($"Closed with {(int?)_socket.CloseStatus} ({_socket.CloseStatusDescription}) while waiting for {eventName}.");
    }

    private async Task SendIdentifyAsync(string token)
    {
        var hello = await ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("\"op\":10", hello, StringComparison.Ordinal);
        var identify = GatewayEnvelope.Serialize(GatewayOpCode.Identify, null, new IdentifyData { Token = token }, TanagerJsonContext.Default.IdentifyData);
        await _socket.SendAsync(identify, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
    }

    /// <summary>The next text message, or null once the server has closed the connection.</summary>
    private async Task<string?> ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}
