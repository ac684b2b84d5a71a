using System.Net;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.Web;

/// <summary>tanager serve, run as a self-hoster runs it, serves the web client at / and keeps its own paths its own.</summary>
public sealed class WebClientServingTests(WebClientServingTests.Serve serve) : IClassFixture<WebClientServingTests.Serve>
{
    private readonly HttpClient _http = serve.Http;
    private readonly Uri _url = serve.Url;

    /// <summary>One tanager serve process for the class: these tests only read.</summary>
    public sealed class Serve : IAsyncLifetime
    {
        private static string TanagerDll => Path.Combine(Repository.Root, "Tanager.Server", "bin", Repository.Configuration, "net10.0", "tanager.dll");

        private ChildProcess? _serve;
        private string? _data;

        public HttpClient Http { get; } = new();
        public Uri Url { get; } = new($"http://127.0.0.1:{Ports.Free()}/");

        public async Task InitializeAsync()
        {
            _data = Directory.CreateTempSubdirectory("tanager-web-").FullName;
            _serve = ChildProcess.Start("dotnet", [TanagerDll, "serve", "--listen", Url.ToString().TrimEnd('/'), "--data-dir", _data]);
            Assert.True(await Eventually.UntilAsync(async () =>
            {
                try
                {
                    return (await Http.GetAsync(new Uri(Url, "health"))).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, 60), $"tanager serve did not start: {_serve.Errors}\n{string.Join('\n', _serve.Lines)}");
        }

        public async Task DisposeAsync()
        {
            Http.Dispose();
            if (_serve is not null)
            {
                await _serve.DisposeAsync();
            }
            if (_data is not null)
            {
                Directory.Delete(_data, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Root_answers_the_client_page_with_a_policy_that_lets_webassembly_run()
    {
        using var response = await _http.GetAsync(_url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<tanager-chat>", html, StringComparison.Ordinal);
        Assert.Contains("_framework/blazor.webassembly.js", html, StringComparison.Ordinal);
        var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("'wasm-unsafe-eval'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-eval'", policy.Replace("'wasm-unsafe-eval'", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
    }

    [Theory]
    [InlineData("_framework/blazor.webassembly.js", "text/javascript")]
    [InlineData("tanager-chat.js", "text/javascript")]
    [InlineData("_content/Tanager.Web/tanager.css", "text/css")]
    [InlineData("_content/Tanager.Web/tanager.js", "text/javascript")]
    public async Task The_client_files_are_served_with_their_types(string path, string mediaType)
    {
        using var response = await _http.GetAsync(new Uri(_url, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
    }

    [Fact]
    public async Task The_webassembly_runtime_is_served_compressed_and_cached_by_content_hash()
    {
        // blazor.webassembly.js names the runtime it loads; the runtime's file name carries its content hash.
        var loader = await _http.GetStringAsync(new Uri(_url, "_framework/blazor.webassembly.js"));
        Assert.False(string.IsNullOrEmpty(loader));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_url, "_framework/dotnet.js"));
        request.Headers.AcceptEncoding.ParseAdd("gzip, br");
        using var runtime = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, runtime.StatusCode);
        Assert.Contains(runtime.Content.Headers.ContentEncoding, e => e is "gzip" or "br");
    }

    [Theory]
    [InlineData("w/acme/general")]
    [InlineData("settings")]
    public async Task Client_routes_fall_back_to_the_page(string path)
    {
        using var response = await _http.GetAsync(new Uri(_url, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<tanager-chat>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/v1/no-such-route", HttpStatusCode.NotFound)]
    [InlineData("api", HttpStatusCode.NotFound)]
    [InlineData("api/v1/users/me", HttpStatusCode.Unauthorized)]
    [InlineData("gateway/anything", HttpStatusCode.NotFound)]
    [InlineData("files/x", HttpStatusCode.NotFound)]
    [InlineData("health/x", HttpStatusCode.NotFound)]
    [InlineData("no-such-file.js", HttpStatusCode.NotFound)]
    public async Task Server_paths_and_missing_files_never_fall_back_to_the_page(string path, HttpStatusCode status)
    {
        using var response = await _http.GetAsync(new Uri(_url, path));
        Assert.Equal(status, response.StatusCode);
        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("<tanager-chat>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_method_on_an_api_route_is_still_405()
    {
        using var response = await _http.DeleteAsync(new Uri(_url, "api/v1/workspaces"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
