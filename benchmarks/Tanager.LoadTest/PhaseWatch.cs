using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Tanager.LoadTest;

/// <summary>
/// During a measured phase: <c>GET /health</c> every 50 ms on a connection of its own (how fast does an orchestrator's
/// probe get its answer), and the server's RSS every 100 ms (the peak is what a memory limit would meet).
/// </summary>
internal sealed class PhaseWatch : IAsyncDisposable
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan RssInterval = TimeSpan.FromMilliseconds(100);
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly LatencyHistogram _health = new();
    private readonly Task _probe;
    private readonly Task _memory;
    private long _probes;
    private long _probeFailures;
    private long _peakRss;

    private PhaseWatch(Uri baseUrl, int? serverPid)
    {
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(10) };
        _probe = Task.Run(ProbeAsync);
        _memory = Task.Run(() => SampleRssAsync(serverPid));
    }

    public static PhaseWatch Start(Uri baseUrl, int? serverPid) => new(baseUrl, serverPid);

    private async Task ProbeAsync()
    {
        using var timer = new PeriodicTimer(ProbeInterval);
        while (await WaitAsync(timer))
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await _http.GetAsync("health", _stop.Token);
                _health.Record((long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                Interlocked.Increment(ref _probes);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref _probeFailures);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref _probeFailures);
            }
        }
    }

    private async Task SampleRssAsync(int? serverPid)
    {
        using var timer = new PeriodicTimer(RssInterval);
        do
        {
            if (ProcessMemory.TryReadRssBytes(serverPid) is { } rss && rss > _peakRss)
            {
                _peakRss = rss;
            }
        }
        while (await WaitAsync(timer));
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async Task<string> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_probe, _memory);
        var rss = _peakRss > 0 ? string.Create(CultureInfo.InvariantCulture, $"{_peakRss / 1024.0 / 1024:F1} MiB") : "n/a (server given by URL)";
        return string.Create(CultureInfo.InvariantCulture,
            $"/health: {_probes:N0} probes, {_probeFailures:N0} not 200, p50 {_health.PercentileMicros(0.5) / 1000.0:F1} ms, p99 {_health.PercentileMicros(0.99) / 1000.0:F1} ms, max {_health.MaxMicros / 1000.0:F1} ms; server peak RSS {rss}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_probe, _memory);
        }
        _stop.Dispose();
        _http.Dispose();
    }
}
