using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Routing;
using Tanager.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tanager.Tests.Fuzz;

/// <summary>
/// Issue 12, Done-when #4 (REST half): every route of the running app, read from its endpoint data source, is called
/// with generated path ids, query strings, bodies and credentials. Whatever comes in, the server answers within
/// <see cref="AnswerTimeout"/>, never with a 5xx, every error is an RFC 7807 problem document, and its log records no
/// unhandled exception.
/// </summary>
public sealed class RestFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int DefaultCases = 10_000;
    /// <summary>Cases between checks that the fuzzing user's token still works, and between rebuilds of a world the fuzzing has worn down.</summary>
    private const int TokenCheckEvery = 250;
    private const int RebuildEvery = 2_500;
    /// <summary>A hang, not a slow answer: the slowest real request here takes milliseconds, even on a loaded CI machine.</summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Routes that end their caller's session or change its password: sent as a throwaway user, never as the fuzzing user.</summary>
    private static readonly HashSet<string> SelfEnding = new(StringComparer.Ordinal)
    {
        "POST /api/v1/auth/logout", "DELETE /api/v1/auth/sessions", "POST /api/v1/auth/password", "DELETE /api/v1/auth/sessions/{sessionId}",
    };

    /// <summary>Routes that would lock the fuzzing user out if they named it: a protected id is swapped for an unknown one.</summary>
    private static readonly HashSet<string> LockOut = new(StringComparer.Ordinal)
    {
        "POST /api/v1/admin/users/{user}/deactivate", "DELETE /api/v1/admin/users/{user}/server-admin", "DELETE /api/v1/auth/sessions/{sessionId}",
    };

    private readonly CapturedLog _log = new();
    private readonly Dictionary<string, int> _statuses = new(StringComparer.Ordinal);
    private TestServer _server = null!;
    private HttpClient _http = null!;
    private RestWorld _world = null!;
    private string _adminToken = null!;
    private int _run;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(TestServer.InMemorySettings(), services: s => s.AddSingleton<ILoggerProvider>(_log));
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        // The first account is the server's administrator; it only grants that to each world's fuzzing user.
        _adminToken = await RestWorld.RegisterThrowawayAsync(_http, _server.Url);
        _world = await RestWorld.CreateAsync(_http, _server.Url, _adminToken);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Every_route_answers_generated_requests_without_a_5xx_a_hang_or_a_crash_and_errors_are_problem_documents()
    {
        var cases = FuzzRun.Cases(DefaultCases);
        output.WriteLine($"REST fuzz: {FuzzRun.Describe(cases)}");
        var routes = Routes();
        Assert.True(routes.Count >= 70, $"Only {routes.Count} routes found; is the endpoint list read correctly?");
        var generator = new RestCases(routes, () => _world);
        var clock = Stopwatch.StartNew();

        await FuzzRun.RunAsync(cases, _ => Prop.ForAll(generator.Arbitrary(), testCase => Run(testCase)));

        output.WriteLine($"{_run} requests to {routes.Count} routes in {clock.Elapsed.TotalSeconds:F1} s; answers: " +
            string.Join(", ", _statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}×{s.Value}")));
        Assert.True(_run >= cases, $"Only {_run} of {cases} cases ran.");
        Assert.Contains(_statuses.Keys, s => s.StartsWith('2'));
    }

    /// <summary>The routes of the running app with their methods; HEAD is sent as the GET route's method now and then.</summary>
    private List<RestRoute> Routes() =>
    [
        .. _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => new RestRoute(method, "/" + e.RoutePattern.RawText!.TrimStart('/'), [.. e.RoutePattern.Parameters.Select(p => p.Name)])))
            .DistinctBy(r => r.Key),
    ];

    private void Run(RestCase testCase)
    {
        var run = Interlocked.Increment(ref _run);
        if (run % RebuildEvery == 0 || (run % TokenCheckEvery == 0 && !TokenWorksAsync().GetAwaiter().GetResult()))
        {
            // Lanes go on with the old world while the new one is built; requests to either are fair game.
            _world = RestWorld.CreateAsync(_http, _server.Url, _adminToken).GetAwaiter().GetResult();
        }
        var failure = SendAsync(testCase).GetAwaiter().GetResult();
        var crashes = _log.TakeFailures();
        if (crashes.Count > 0)
        {
            failure = (failure is null ? "" : failure + "\n") + "The server logged:\n" + string.Join("\n", crashes);
        }
        if (failure is not null)
        {
            throw new FuzzFailure($"{failure}\nRequest: {testCase}\n{FuzzRun.Describe(_run)}");
        }
    }

    private async Task<bool> TokenWorksAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.Url, "api/v1/users/me"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _world.Token);
        using var response = await _http.SendAsync(request);
        return response.IsSuccessStatusCode;
    }

    /// <summary>Sends the case; returns why it failed the property, or null.</summary>
    private async Task<string?> SendAsync(RestCase testCase)
    {
        var pathAndQuery = testCase.PathAndQuery;
        var selfEnding = SelfEnding.Contains(testCase.Route);
        if (LockOut.Contains(testCase.Route))
        {
            foreach (var value in testCase.PathValues.Where(v => _world.Protected.Contains(v.Value)))
            {
                pathAndQuery = pathAndQuery.Replace(value.Value, NUlid.Ulid.NewUlid().ToString(), StringComparison.Ordinal);
            }
        }
        Uri url;
        try
        {
            url = new Uri(_server.Url.GetLeftPart(UriPartial.Authority) + pathAndQuery, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        }
        catch (UriFormatException)
        {
            // Not a request any HTTP client can send.
            Count("unsendable");
            return null;
        }
        var token = testCase.Auth switch
        {
            FuzzAuth.Session or FuzzAuth.ApiKey when selfEnding => await RestWorld.RegisterThrowawayAsync(_http, _server.Url),
            FuzzAuth.Session => _world.Token,
            FuzzAuth.Bot => _world.BotToken,
            FuzzAuth.ApiKey => _world.ApiKey,
            _ => null,
        };
        HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(new HttpMethod(testCase.Method), url);
            if (token is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            }
            else if (testCase.AuthHeader is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", testCase.AuthHeader);
            }
            if (testCase.ActAs is not null && !selfEnding)
            {
                request.Headers.TryAddWithoutValidation("Tanager-Act-As", new string([.. testCase.ActAs.Where(c => c is >= ' ' and < '\u007f')]));
            }
            if (testCase.Body is not null)
            {
                request.Content = new ByteArrayContent(testCase.Body);
                if (testCase.ContentType is not null)
                {
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", testCase.ContentType);
                }
            }
            return request;
        }

        using var deadline = new CancellationTokenSource(AnswerTimeout);
        HttpResponseMessage response;
        byte[] body;
        try
        {
            try
            {
                using var request = Request();
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            }
            catch (HttpRequestException)
            {
                // A kept-alive connection the server had just closed (after answering a body it did not read, say) fails
                // the next request before it is sent; a server that drops the request itself fails the retry too.
                using var request = Request();
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            }
            // The event stream stays open by design: its answer is its status and headers.
            body = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? [] : await response.Content.ReadAsByteArrayAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Count("hang");
            return $"No answer within {AnswerTimeout.TotalSeconds} s.";
        }
        catch (HttpRequestException exception)
        {
            Count("dropped");
            return $"The connection failed instead of an answer: {exception.Message} {exception.InnerException?.Message}";
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            var text = RestCase.Preview(body, 2_000);
            if (!IsKestrelRejection(response, body))
            {
                Count(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            if (status >= 500)
            {
                return $"Answered {status}: {text}";
            }
            if (status >= 400 && IsKestrelRejection(response, body))
            {
                // Refused by the HTTP server before any middleware ran (a request line over 8 KiB, too many headers):
                // Kestrel writes these itself, empty, and the app cannot dress them as problems.
                Count($"kestrel {status}");
                return null;
            }
            if (status >= 400)
            {
                if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    return $"Answered {status} with Content-Type '{response.Content.Headers.ContentType}', not a problem document: {text}";
                }
                if (testCase.Method != "HEAD" && !IsProblem(body, status))
                {
                    return $"Answered {status} with a problem document that is not a JSON object with status {status}: {text}";
                }
            }
            return null;
        }
    }

    private static bool IsKestrelRejection(HttpResponseMessage response, byte[] body) =>
        (int)response.StatusCode is 400 or 413 or 414 or 431 && body.Length == 0 && response.Content.Headers.ContentType is null
        && !response.Headers.Contains("X-Content-Type-Options");

    private static bool IsProblem(byte[] body, int status)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.ValueKind == JsonValueKind.Object
                && problem.RootElement.TryGetProperty("status", out var value) && value.TryGetInt32(out var number) && number == status;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private void Count(string outcome)
    {
        lock (_statuses)
        {
            _statuses[outcome] = _statuses.GetValueOrDefault(outcome) + 1;
        }
    }
}
