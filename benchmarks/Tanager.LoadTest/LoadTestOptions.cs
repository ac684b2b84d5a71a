namespace Tanager.LoadTest;

internal sealed record LoadTestOptions
{
    public required IReadOnlyList<string> Targets { get; init; }
    public Uri? TanagerUrl { get; init; }
    public Uri? BaselineUrl { get; init; }
    public string? TanagerDll { get; init; }
    public string? BaselinesDll { get; init; }
    public IReadOnlyList<string> TanagerArgs { get; init; } = [];
    public int Subscribers { get; init; }
    /// <summary>
    /// Channels (groups) the subscribers are spread over: subscriber i follows channel i mod N, so when N does not
    /// divide the subscribers the first (subscribers mod N) channels have one more. Publishes go round-robin over them.
    /// </summary>
    public int Channels { get; init; } = 1;
    public int DurationSeconds { get; init; }
    public int WarmupSeconds { get; init; }
    /// <summary>One measured run per entry: 0 is saturation, anything else a fixed rate in messages per second.</summary>
    public required IReadOnlyList<int> Rates { get; init; }
    public int InFlight { get; init; }
    public int PayloadBytes { get; init; }
    public int ConnectConcurrency { get; init; }
    /// <summary>Started servers on core 0 (taskset), the load tool on the other cores.</summary>
    public bool Pin { get; init; }
    /// <summary>Seconds the subscribers stay connected and idle (after the RSS reading) before anything is published.</summary>
    public int HoldIdleSeconds { get; init; }

    /// <summary>
    /// Tanager only: in each measured phase one subscriber stops reading (the others are measured); afterwards it
    /// reconnects with RESUME and the tool checks it then has every message of its channel published in the phase.
    /// </summary>
    public bool StallOne { get; init; }

    /// <summary>Tanager only: login clients flooding <c>POST /auth/login</c> with wrong passwords during each measured phase (0: none).</summary>
    public int LoginFlood { get; init; }

    /// <summary>How many client addresses the flood claims (<c>X-Forwarded-For</c>); 0 means one per client.</summary>
    public int LoginFloodAddresses { get; init; }

    /// <summary>Probe <c>/health</c> and sample the server's RSS during each measured phase (always with a login flood).</summary>
    public bool WatchHealth { get; init; }

    /// <summary>Tanager's <c>/metrics</c> URL, scraped after the runs (<c>--scrape-metrics</c>).</summary>
    public Uri? ScrapeMetrics { get; init; }

    /// <summary>Bounds Tanager's setup, which per channel registers an account (an Argon2 hash, ~0.2 s on this VM) and makes four more calls.</summary>
    public const int MaxChannels = 1000;

    /// <summary>Range checks that keep every run bounded in count and time; returns the problems found.</summary>
    public IEnumerable<string> Validate()
    {
        // 10 000 subscribers already needs ~10 000 descriptors in this process and as many in the server.
        if (Subscribers is < 1 or > 10_000)
        {
            yield return "--subscribers must be between 1 and 10000.";
        }
        if (Channels < 1 || Channels > Subscribers)
        {
            yield return "--channels must be between 1 and the number of subscribers.";
        }
        // Tanager registers one subscriber account per channel (a password hash each), so setup time grows with N.
        if (Channels > MaxChannels)
        {
            yield return $"--channels must be at most {MaxChannels}.";
        }
        if (DurationSeconds is < 1 or > 600)
        {
            yield return "--duration must be between 1 and 600 seconds.";
        }
        if (HoldIdleSeconds is < 0 or > 3600)
        {
            yield return "--hold-idle must be between 0 and 3600 seconds.";
        }
        if (WarmupSeconds is < 0 or > 120)
        {
            yield return "--warmup must be between 0 and 120 seconds.";
        }
        if (Rates.Count == 0 || Rates.Any(rate => rate is < 0 or > 100_000))
        {
            yield return "--rate takes one or more values between 0 (saturation) and 100000 messages/s.";
        }
        if (InFlight is < 1 or > 1024)
        {
            yield return "--in-flight must be between 1 and 1024.";
        }
        if (PayloadBytes is < Payload.MinimumSize or > 16 * 1024)
        {
            yield return $"--payload-bytes must be between {Payload.MinimumSize} and 16384.";
        }
        if (LoginFlood is < 0 or > 1000)
        {
            yield return "--login-flood must be between 0 and 1000 clients.";
        }
        if (LoginFloodAddresses < 0 || LoginFloodAddresses > Math.Max(1, LoginFlood) || LoginFloodAddresses > 60_000)
        {
            yield return "--login-flood-addresses must be between 0 (one per client) and the number of flood clients.";
        }
        if (ConnectConcurrency is < 1 or > 500)
        {
            yield return "--connect-concurrency must be between 1 and 500.";
        }
        foreach (var (name, url) in new[] { ("--tanager-url", TanagerUrl), ("--baseline-url", BaselineUrl) })
        {
            // Load is only ever sent to this machine.
            if (url is not null && (!url.IsAbsoluteUri || !url.IsLoopback || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
            {
                yield return $"{name} must be an http(s) URL on a loopback address (127.0.0.0/8, ::1 or localhost).";
            }
        }
    }
}
