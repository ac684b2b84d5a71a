using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Tanager.SendBenchmark;

/// <summary>A send the server acknowledged with 201: where it went, the sequence it got, and its id.</summary>
internal readonly record struct Ack(int Channel, long Sequence, string Id);

/// <summary>The outcome of the send phase.</summary>
internal sealed record LoadResult(
    long Acknowledged,
    long HttpErrors,
    long TransportErrors,
    long WindowAcknowledged,
    long WindowErrors,
    TimeSpan Window,
    long[] WindowLatencyTicks,
    IReadOnlyList<Ack> Acks,
    IReadOnlyList<string> FirstErrors,
    long[] PerSecond);

/// <summary>
/// <c>senders</c> loops, each posting back to back to channel <c>(i + k) % channels</c> over one shared HttpClient until the
/// warm-up plus the measured window has passed (or the send cap is reached). A send counts for the figures when its
/// 201 arrives inside the measured window; every 201 is kept for the consistency check.
/// </summary>
internal sealed class SendLoad
{
    private const int MaxErrorSamples = 5;
    private static readonly TimeSpan ErrorBackoff = TimeSpan.FromMilliseconds(20);

    private readonly HttpClient _http;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly Uri[] _channelUris;
    private readonly Uri? _healthUri;
    private readonly byte[] _body;
    private readonly SendBenchmarkOptions _options;
    private readonly List<string> _firstErrors = [];
    private long _started;
    private long _httpErrors;
    private long _transportErrors;

    /// <param name="healthOnly">
    /// Baseline mode: the same loops and HttpClient, but each request is <c>GET /health</c> (no authentication, no
    /// storage), so its rate is the ceiling that HTTP alone allows on this machine with this client.
    /// </param>
    public SendLoad(HttpClient http, Uri serverUrl, string token, string workspaceId, IReadOnlyList<string> channelIds, SendBenchmarkOptions options, bool healthOnly = false)
    {
        _healthUri = healthOnly ? new Uri(serverUrl, "health") : null;
        _http = http;
        _options = options;
        _authorization = new AuthenticationHeaderValue("Bearer", token);
        _channelUris = [.. channelIds.Select(c => new Uri(serverUrl, $"api/v1/workspaces/{Uri.EscapeDataString(workspaceId)}/channels/{Uri.EscapeDataString(c)}/messages"))];
        // {"content":"xxxx…"}: ASCII so that --content-bytes is the content's length in bytes and in characters.
        var content = new string('x', Math.Max(0, options.ContentBytes - 8)) + "sendbnch"[..Math.Min(8, options.ContentBytes)];
        _body = Encoding.UTF8.GetBytes("{\"content\":\"" + content + "\"}");
    }

    /// <summary>Ticks of <see cref="Clock"/> at which the measured window starts and ends.</summary>
    public long WindowStart { get; private set; }
    public long WindowEnd { get; private set; }
    public Stopwatch Clock { get; } = new();

    /// <summary>Raised (from a timer thread) when the measured window starts and when it ends.</summary>
    public event Action<bool>? WindowEdge;

    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken)
    {
        WindowStart = (long)(_options.Warmup.TotalSeconds * Stopwatch.Frequency);
        WindowEnd = WindowStart + (long)(_options.Duration.TotalSeconds * Stopwatch.Frequency);
        var seconds = (int)Math.Ceiling(_options.Warmup.TotalSeconds + _options.Duration.TotalSeconds) + 1;
        var perSecond = new long[seconds + 1];
        Clock.Start();
        var edges = Task.Run(async () =>
        {
            await Task.Delay(_options.Warmup, cancellationToken);
            WindowEdge?.Invoke(true);
            await Task.Delay(_options.Duration, cancellationToken);
            WindowEdge?.Invoke(false);
        }, cancellationToken);
        var senders = Enumerable.Range(0, _options.Senders).Select(i => Task.Run(() => SenderAsync(i, perSecond, cancellationToken), cancellationToken)).ToArray();
        var results = await Task.WhenAll(senders);
        await edges;
        var window = TimeSpan.FromSeconds((WindowEnd - WindowStart) / (double)Stopwatch.Frequency);
        var latencies = results.SelectMany(r => r.Latencies).ToArray();
        Array.Sort(latencies);
        return new LoadResult(
            results.Sum(r => r.Succeeded),
            Interlocked.Read(ref _httpErrors),
            Interlocked.Read(ref _transportErrors),
            latencies.LongLength,
            results.Sum(r => r.WindowErrors),
            window,
            latencies,
            [.. results.SelectMany(r => r.Acks)],
            _firstErrors,
            perSecond);
    }

    private sealed record SenderResult(List<long> Latencies, List<Ack> Acks, long WindowErrors, long Succeeded);

    private async Task<SenderResult> SenderAsync(int index, long[] perSecond, CancellationToken cancellationToken)
    {
        var latencies = new List<long>(4096);
        var acks = new List<Ack>(4096);
        long windowErrors = 0;
        long succeeded = 0;
        var channels = _channelUris.Length;
        // Bounded twice: by time (the loop condition) and by count (the shared cap, which also bounds k).
        for (long k = 0; Clock.ElapsedTicks < WindowEnd && Interlocked.Increment(ref _started) <= _options.MaxSends; k++)
        {
            var channel = (int)((index + k) % channels);
            var begin = Clock.ElapsedTicks;
            try
            {
                using var request = _healthUri is not null ? new HttpRequestMessage(HttpMethod.Get, _healthUri) : PostRequest(channel);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                var end = Clock.ElapsedTicks;
                var inWindow = end >= WindowStart && end <= WindowEnd;
                if (_healthUri is not null ? response.StatusCode == HttpStatusCode.OK : response.StatusCode == HttpStatusCode.Created && ParseAck(body, channel) is { } ack && Keep(acks, ack))
                {
                    succeeded++;
                    var second = (int)(end / Stopwatch.Frequency);
                    if (second < perSecond.Length)
                    {
                        Interlocked.Increment(ref perSecond[second]);
                    }
                    if (inWindow)
                    {
                        latencies.Add(end - begin);
                    }
                }
                else
                {
                    Interlocked.Increment(ref _httpErrors);
                    windowErrors += inWindow ? 1 : 0;
                    Sample($"HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 500))}");
                    await Task.Delay(ErrorBackoff, cancellationToken);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
            {
                // Timeout or broken connection: the send's outcome is unknown (it may still have been stored).
                Interlocked.Increment(ref _transportErrors);
                var end = Clock.ElapsedTicks;
                windowErrors += end >= WindowStart && end <= WindowEnd ? 1 : 0;
                Sample($"{ex.GetType().Name}: {ex.Message}");
                await Task.Delay(ErrorBackoff, cancellationToken);
            }
        }
        return new SenderResult(latencies, acks, windowErrors, succeeded);
    }

    private HttpRequestMessage PostRequest(int channel)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _channelUris[channel]) { Content = new ByteArrayContent(_body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = _authorization;
        return request;
    }

    private static bool Keep(List<Ack> acks, Ack ack)
    {
        acks.Add(ack);
        return true;
    }

    private void Sample(string error)
    {
        lock (_firstErrors)
        {
            if (_firstErrors.Count < MaxErrorSamples)
            {
                _firstErrors.Add(error);
            }
        }
    }

    /// <summary>Reads the top-level "id" and "sequence" of a MessageDto without materialising the whole object.</summary>
    private static Ack? ParseAck(byte[] body, int channel)
    {
        var reader = new Utf8JsonReader(body);
        string? id = null;
        long? sequence = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                {
                    continue;
                }
                if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    id = reader.GetString();
                }
                else if (reader.ValueTextEquals("sequence"u8))
                {
                    reader.Read();
                    sequence = reader.GetInt64();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
        return id is not null && sequence is not null ? new Ack(channel, sequence.Value, id) : null;
    }
}
