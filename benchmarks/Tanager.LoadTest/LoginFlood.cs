using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace Tanager.LoadTest;

/// <summary>
/// <c>--login-flood N</c>: N login clients, each sending <c>POST /api/v1/auth/login</c> with a wrong password as soon as
/// its previous answer arrives (a closed loop that ignores <c>Retry-After</c>, as an attacker would), for the length
/// of a measured phase. Each attempt names a new unknown email, so no account is ever locked and every attempt that
/// passes the throttle costs the server a password hash (of its decoy). With <c>--login-flood-addresses K</c> the
/// clients claim K different client addresses through <c>X-Forwarded-For</c> (which a server trusts from loopback, as
/// from a proxy on the same machine), so the per-address throttle sees K attackers, as with a botnet.
/// </summary>
internal sealed class LoginFlood : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _clients;
    private long _attempts;
    private long _unauthorized;
    private long _throttled;
    private long _busy;
    private long _other;
    private long _failures;
    private readonly LatencyHistogram _latency = new();

    private LoginFlood(Uri baseUrl, int clients, int addresses)
    {
        // One connection per client, so the flood is as parallel as its client count.
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = baseUrl,
            Timeout = TimeSpan.FromSeconds(30),
        };
        _clients = [.. Enumerable.Range(0, clients).Select(i => Task.Run(() => RunClientAsync(i, i % addresses)))];
    }

    public static LoginFlood Start(Uri baseUrl, int clients, int addresses) => new(baseUrl, clients, addresses);

    private async Task RunClientAsync(int client, int address)
    {
        // 198.18.0.0/15 is reserved for benchmarks (RFC 2544): no real client has these addresses.
        var forwardedFor = string.Create(CultureInfo.InvariantCulture, $"198.18.{address / 250}.{(address % 250) + 1}");
        var attempt = 0;
        while (!_stop.IsCancellationRequested)
        {
            attempt++;
            var body = string.Create(CultureInfo.InvariantCulture, $$"""{"email":"flood-{{client}}-{{attempt}}@example.test","password":"not the password {{attempt}}"}""");
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/login") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await _http.SendAsync(request, _stop.Token);
                _latency.Record((long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                Interlocked.Increment(ref _attempts);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Unauthorized: Interlocked.Increment(ref _unauthorized); break;
                    case HttpStatusCode.TooManyRequests: Interlocked.Increment(ref _throttled); break;
                    case HttpStatusCode.ServiceUnavailable: Interlocked.Increment(ref _busy); break;
                    default: Interlocked.Increment(ref _other); break;
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref _failures);
            }
        }
    }

    /// <summary>Stops every client and says what the flood did: attempts, answers by status, and their latency.</summary>
    public async Task<string> StopAsync(TimeSpan elapsed)
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
        var perSecond = elapsed.TotalSeconds > 0 ? _attempts / elapsed.TotalSeconds : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"login flood: {_clients.Length} clients, {_attempts:N0} attempts ({perSecond:N0}/s): {_unauthorized:N0} × 401, {_throttled:N0} × 429, {_busy:N0} × 503, {_other:N0} other, {_failures:N0} failed; answer p50 {_latency.PercentileMicros(0.5) / 1000.0:F1} ms, p99 {_latency.PercentileMicros(0.99) / 1000.0:F1} ms");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_clients);
        }
        _stop.Dispose();
        _http.Dispose();
    }
}
