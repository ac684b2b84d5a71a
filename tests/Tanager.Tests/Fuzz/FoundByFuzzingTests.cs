using System.Net;
using System.Net.Http.Headers;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.Fuzz;

/// <summary>Bugs the fuzz suite found, each pinned by the input that showed it.</summary>
public sealed class FoundByFuzzingTests : IAsyncLifetime
{
    private readonly CapturedLog _log = new();
    private TestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TestServer.StartAsync(TestServer.InMemorySettings(), services: s => s.AddSingleton<ILoggerProvider>(_log));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>
    /// The signed upload route raised the body limit to size + 1 before checking the signature: with size = long.MaxValue
    /// that overflowed to a negative limit, which Kestrel refuses with an exception (500). Found by the REST fuzzer
    /// (seed 20261203, lane 20261204, case 1028).
    /// </summary>
    [Theory]
    [InlineData("9223372036854775807")]
    [InlineData("9223372036854775806")]
    public async Task A_signed_upload_url_with_the_largest_size_is_refused_as_a_bad_signature_not_a_server_error(string size)
    {
        using var http = new HttpClient();
        using var body = new ByteArrayContent("abc"u8.ToArray());
        body.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var response = await http.PutAsync(new Uri(_server.Url, $"api/v1/files/a/b.txt?expires=1796340801&size={size}&type=text%2Fplain&sig=AAAA"), body);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(_log.TakeFailures());
    }
}
