using System.CommandLine;
using Tanager.LoadTest;

var target = new Option<string>("--target")
{
    Description = "What to load: tanager, signalr, websocket or all (all skips a target whose URL or DLL is not given).",
    DefaultValueFactory = _ => LoadTestCommand.All,
};
target.AcceptOnlyFromAmong(LoadTestCommand.Tanager, LoadTestCommand.SignalR, LoadTestCommand.WebSocket, LoadTestCommand.All);
var tanagerUrl = new Option<string?>("--tanager-url") { Description = "Base URL of a running Tanager server (loopback only), e.g. http://127.0.0.1:5080." };
var baselineUrl = new Option<string?>("--baseline-url") { Description = "Base URL of a running Tanager.Baselines server (loopback only)." };
var tanagerDll = new Option<string?>("--tanager-dll") { Description = "Start Tanager as `dotnet <dll> serve --listen http://127.0.0.1:<free port>` and load it." };
var baselinesDll = new Option<string?>("--baselines-dll") { Description = "Start Tanager.Baselines as `dotnet <dll> --urls http://127.0.0.1:<free port>` and load it." };
var tanagerArgs = new Option<string[]>("--tanager-arg")
{
    Description = "Extra argument for the started Tanager server (repeatable).",
    DefaultValueFactory = _ => [],
};
var subscribers = new Option<int>("--subscribers") { Description = "Subscribers in all, spread over --channels channels or groups.", DefaultValueFactory = _ => 1000 };
var channels = new Option<int>("--channels")
{
    Description = "Channels (groups) the subscribers are spread over, 1 to --subscribers: subscriber i follows channel i mod N (when N does not divide the subscribers, the first subscribers-mod-N channels have one more). Publishes go round-robin over the channels, so --rate stays messages/s overall and each message reaches that channel's subscribers. Tanager: one subscriber account per channel, each a member of its channel only; SignalR: one group each; WebSocket: one ?group= each, with its own publisher socket.",
    DefaultValueFactory = _ => 1,
};
var duration = new Option<int>("--duration") { Description = "Measured seconds per mode.", DefaultValueFactory = _ => 10 };
// 3 s lets tiered JIT promote the hot paths and the pools fill before anything is measured.
var warmup = new Option<int>("--warmup") { Description = "Unmeasured seconds before each measured run.", DefaultValueFactory = _ => 3 };
var rate = new Option<int[]>("--rate")
{
    Description = "Messages/s of the publisher; 0 is saturation. Several values give several runs (default: 0, 50 and 200).",
    // With 1000 subscribers on the 2-core VM (benchmarks/README.md): 200 msg/s = 200 000 deliveries/s is the high
    // point every target still delivers in full, pinned or not (saturation is 320 000–680 000 deliveries/s, and
    // SignalR's saturation mode stalls near 120 000/s pinned); 50 msg/s = 50 000 deliveries/s leaves the load tool
    // headroom even on one pinned core (at 100 msg/s it is already at ~95 % there), so latency there is the servers'.
    DefaultValueFactory = _ => [0, 50, 200],
    AllowMultipleArgumentsPerToken = true,
};
// 64 keeps the publisher pipelined without letting queues (and so latency) grow without bound at saturation.
var inFlight = new Option<int>("--in-flight") { Description = "Most unacknowledged publishes at once.", DefaultValueFactory = _ => 64 };
// About a chat message of a couple of sentences.
var payloadBytes = new Option<int>("--payload-bytes") { Description = "Size of each published payload.", DefaultValueFactory = _ => 200 };
// 50 concurrent handshakes open 1000 subscribers in a second or two without a thundering herd on accept.
var connectConcurrency = new Option<int>("--connect-concurrency") { Description = "Subscribers connecting at once.", DefaultValueFactory = _ => 50 };

var pin = new Option<bool>("--pin")
{
    Description = "Run the servers this tool starts on core 0 (taskset -c 0) and the load tool on the other cores (it re-runs itself under taskset), so they do not compete for a core. Needs taskset and 2+ cores.",
};

var holdIdle = new Option<int>("--hold-idle")
{
    Description = "Seconds to keep every subscriber connected and idle after the RSS reading, before publishing: time to take a dotnet-gcdump or dotnet-trace of the idle server.",
    DefaultValueFactory = _ => 0,
};

var stallOne = new Option<bool>("--stall-one")
{
    Description = "Tanager only: one subscriber (the first still connected) stops reading (and keeps heartbeating) for each measured phase; the table measures the others. After the phase the log says how the server ended the stalled one and the server's RSS, then that subscriber reconnects with RESUME from the last change it read and the tool checks it then has every message of its channel published in the phase, exactly once.",
};

var loginFlood = new Option<int>("--login-flood")
{
    Description = "Tanager only: N login clients send POST /api/v1/auth/login with a wrong password for a new unknown email each, back to back and ignoring Retry-After, during every measured phase; the log and notes give their answers by status, /health latency (probed every 50 ms) and the server's peak RSS (sampled every 100 ms).",
    DefaultValueFactory = _ => 0,
};

var loginFloodAddresses = new Option<int>("--login-flood-addresses")
{
    Description = "Client addresses the flood claims through X-Forwarded-For (trusted from loopback): 0 (default) gives each client its own, as a botnet; 1 makes it one attacker.",
    DefaultValueFactory = _ => 0,
};

var watchHealth = new Option<bool>("--watch-health")
{
    Description = "Probe /health every 50 ms and sample the server's RSS during every measured phase, without a flood: the baseline for a --login-flood run.",
};

var scrapeMetrics = new Option<string?>("--scrape-metrics")
{
    Description = "Tanager only: scrape this /metrics URL (e.g. http://127.0.0.1:9464/metrics) after the runs and print its deliveries, slow-consumer drops, send latency buckets and group-commit sizes below the report. A server this tool starts serves /metrics there (TANAGER_Metrics__Listen).",
};

var root = new RootCommand("Tanager fan-out load test: N subscribers in one channel (or spread over several), one publisher; deliveries/s and latency, against Tanager and two ASP.NET Core baselines.");
foreach (var option in new Option[] { target, tanagerUrl, baselineUrl, tanagerDll, baselinesDll, tanagerArgs, subscribers, channels, duration, warmup, rate, inFlight, payloadBytes, connectConcurrency, pin, holdIdle, stallOne, loginFlood, loginFloodAddresses, watchHealth, scrapeMetrics })
{
    root.Options.Add(option);
}

root.SetAction(async (parseResult, cancellationToken) =>
{
    if (!TryBaseUrl(parseResult.GetValue(tanagerUrl), out var tanagerBase) || !TryBaseUrl(parseResult.GetValue(baselineUrl), out var baselineBase))
    {
        await Console.Error.WriteLineAsync("--tanager-url and --baseline-url must be absolute URLs such as http://127.0.0.1:5080.");
        return 2;
    }
    Uri? metricsUrl = null;
    if (parseResult.GetValue(scrapeMetrics) is { } metricsValue && !Uri.TryCreate(metricsValue, UriKind.Absolute, out metricsUrl))
    {
        await Console.Error.WriteLineAsync("--scrape-metrics must be an absolute URL such as http://127.0.0.1:9464/metrics.");
        return 2;
    }
    var selected = parseResult.GetValue(target) ?? LoadTestCommand.All;
    var options = new LoadTestOptions
    {
        Targets = selected == LoadTestCommand.All
            ? [LoadTestCommand.Tanager, LoadTestCommand.SignalR, LoadTestCommand.WebSocket]
            : [selected],
        TanagerUrl = tanagerBase,
        BaselineUrl = baselineBase,
        TanagerDll = parseResult.GetValue(tanagerDll),
        BaselinesDll = parseResult.GetValue(baselinesDll),
        TanagerArgs = parseResult.GetValue(tanagerArgs) ?? [],
        Subscribers = parseResult.GetValue(subscribers),
        Channels = parseResult.GetValue(channels),
        DurationSeconds = parseResult.GetValue(duration),
        WarmupSeconds = parseResult.GetValue(warmup),
        Rates = parseResult.GetValue(rate) ?? [],
        InFlight = parseResult.GetValue(inFlight),
        PayloadBytes = parseResult.GetValue(payloadBytes),
        ConnectConcurrency = parseResult.GetValue(connectConcurrency),
        Pin = parseResult.GetValue(pin),
        HoldIdleSeconds = parseResult.GetValue(holdIdle),
        StallOne = parseResult.GetValue(stallOne),
        LoginFlood = parseResult.GetValue(loginFlood),
        LoginFloodAddresses = parseResult.GetValue(loginFloodAddresses),
        WatchHealth = parseResult.GetValue(watchHealth),
        ScrapeMetrics = metricsUrl,
    };
    return await LoadTestCommand.RunAsync(options, args, cancellationToken);
});

return await root.Parse(args).InvokeAsync();

// Relative paths ("hub", "gateway", "api/v1/") resolve under the base only when it ends with '/'.
static bool TryBaseUrl(string? value, out Uri? url)
{
    url = null;
    return value is null || Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out url);
}
