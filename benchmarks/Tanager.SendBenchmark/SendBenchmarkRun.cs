using System.Diagnostics;
using System.Globalization;
using System.Net;
using Tanager.Client;

namespace Tanager.SendBenchmark;

/// <summary>One benchmark: start (or reach) the server, set up, send, report, verify, stop.</summary>
internal static class SendBenchmarkRun
{
    private const string Password = "sendbench-password";
    private const int SetupParallelism = 8;

    public static async Task<int> RunAsync(SendBenchmarkOptions options, string commandLine, CancellationToken cancellationToken)
    {
        var output = Console.Out;
        await output.WriteLineAsync($"command: {commandLine}");
        await output.WriteLineAsync(Invariant($"senders={options.Senders} channels={options.Channels} warmup={options.Warmup.TotalSeconds}s duration={options.Duration.TotalSeconds}s content={options.ContentBytes}B cores={Environment.ProcessorCount} started={DateTimeOffset.UtcNow:O}"));

        ServerProcess? server = null;
        void KillOnExit(object? sender, EventArgs e) => server?.KillNow();
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
        try
        {
            Uri serverUrl;
            if (options.TanagerDll is not null)
            {
                server = await ServerProcess.StartAsync(options.TanagerDll, options.TanagerArgs, options.ServerLog, cancellationToken);
                serverUrl = server.BaseUrl;
                await output.WriteLineAsync(Invariant($"server: pid {server.Pid} at {serverUrl} (dotnet {options.TanagerDll} serve {string.Join(' ', options.TanagerArgs)})"));
            }
            else
            {
                serverUrl = options.ServerUrl!.AbsolutePath.EndsWith('/') ? options.ServerUrl : new Uri(options.ServerUrl + "/");
                await output.WriteLineAsync($"server: {serverUrl} (not started by this tool: no server CPU figures)");
            }

            using var http = CreateHttpClient(options);
            var (token, workspaceId, channelIds) = await SetUpAsync(serverUrl, http, options, cancellationToken);
            await output.WriteLineAsync(Invariant($"setup: 1 user, workspace {workspaceId}, {channelIds.Count} channels"));

            if (options.HealthBaseline)
            {
                var (baseline, baselineCpu) = await MeasureAsync(new SendLoad(http, serverUrl, token, workspaceId, channelIds, options, healthOnly: true), server, options, cancellationToken);
                await ReportAsync(output, options, baseline, baselineCpu, "GET /health (baseline)", "BASELINE");
            }
            var (result, cpu) = await MeasureAsync(new SendLoad(http, serverUrl, token, workspaceId, channelIds, options), server, options, cancellationToken);
            await ReportAsync(output, options, result, cpu, "sends (201)", "RESULT");

            var verifyUrl = serverUrl;
            if (options.VerifyAfterKill && server is not null)
            {
                await server.KillAsync();
                await output.WriteLineAsync(Invariant($"durability: server pid {server.Pid} killed with SIGKILL; starting it again on the same storage"));
                await server.DisposeAsync();
                server = await ServerProcess.StartAsync(options.TanagerDll!, options.TanagerArgs, options.ServerLog, cancellationToken);
                verifyUrl = server.BaseUrl;
            }
            await using var verifier = new TanagerClient(verifyUrl, token, http);
            var clock = Stopwatch.StartNew();
            var verification = await Verifier.RunAsync(verifier, workspaceId, channelIds, result.Acks, cancellationToken);
            var unknown = result.TransportErrors;
            var passed = verification.Passed(result.Acknowledged, unknown);
            await output.WriteLineAsync(Invariant($"verify: {verification.ChannelsChecked}/{channelIds.Count} channels read back{(options.VerifyAfterKill ? " from the restarted server" : "")} in {clock.Elapsed.TotalSeconds:F1} s; stored {verification.StoredTotal} messages, 201s received {result.Acknowledged} (warm-up included), outcome unknown {unknown}"));
            await output.WriteLineAsync(Invariant($"verify: channels with a gap or count≠last_sequence {verification.ChannelsWithGaps}, duplicates {verification.Duplicates}, acknowledged but missing {verification.AcksMissing}, acknowledged with another id at that sequence {verification.AcksMismatched}, channels whose 201 count ≠ stored count {verification.ChannelsCountMismatch}"));
            foreach (var problem in verification.Problems)
            {
                await output.WriteLineAsync($"verify: problem: {problem}");
            }
            await output.WriteLineAsync(passed
                ? "verify: PASS — every channel holds exactly sequences 1..last_sequence, every 201 is stored at its sequence with its id, and stored total = 201s"
                : "verify: FAIL");
            return passed ? 0 : 1;
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
            AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        }
    }

    private static async Task<(LoadResult Result, CpuWindow Cpu)> MeasureAsync(SendLoad load, ServerProcess? server, SendBenchmarkOptions options, CancellationToken cancellationToken)
    {
        var cpu = new CpuWindow(server?.Pid, options.WatchProcesses, server?.LogPath);
        load.WindowEdge += starting =>
        {
            if (starting)
            {
                cpu.Start();
            }
            else
            {
                cpu.Stop();
            }
        };
        return (await load.RunAsync(cancellationToken), cpu);
    }

    private static HttpClient CreateHttpClient(SendBenchmarkOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // One connection per sender, so no send waits for another's connection (HTTP/1.1 has one request in flight each).
            MaxConnectionsPerServer = options.Senders + 16,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
        };
        return new HttpClient(handler) { Timeout = options.RequestTimeout };
    }

    private static async Task<(string Token, string WorkspaceId, IReadOnlyList<string> ChannelIds)> SetUpAsync(Uri serverUrl, HttpClient http, SendBenchmarkOptions options, CancellationToken cancellationToken)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        string token;
        await using (var registered = await TanagerClient.RegisterAsync(serverUrl, $"sendbench-{suffix}@example.test", Password, "sendbench", cancellationToken))
        {
            token = registered.Token!;
        }
        await using var client = new TanagerClient(serverUrl, token, http);
        var workspace = await client.CreateWorkspaceAsync($"sendbench-{suffix}", cancellationToken);
        var channelIds = new string[options.Channels];
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Channels), new ParallelOptions { MaxDegreeOfParallelism = SetupParallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            // The creator of a channel is its member, so the one user may post in all of them.
            var channel = await client.CreateChannelAsync(workspace.Id, Invariant($"bench-{i:D5}"), cancellationToken: ct);
            channelIds[i] = channel.Id;
        });
        return (token, workspace.Id, channelIds);
    }

    private static async Task ReportAsync(TextWriter output, SendBenchmarkOptions options, LoadResult result, CpuWindow cpu, string what, string tag)
    {
        var window = result.Window.TotalSeconds;
        var rate = result.WindowAcknowledged / window;
        await output.WriteLineAsync(Invariant($"{what}: {result.WindowAcknowledged} succeeded in the {window:F1} s window = {rate:F0}/s; errors in window {result.WindowErrors}; whole run: succeeded {result.Acknowledged}, HTTP errors {result.HttpErrors}, transport errors/timeouts {result.TransportErrors}"));
        var l = result.WindowLatencyTicks;
        await output.WriteLineAsync(l.Length == 0
            ? "latency: no sends completed in the window"
            : Invariant($"latency ms: p50 {Ms(Percentile(l, 0.50)):F2}  p90 {Ms(Percentile(l, 0.90)):F2}  p99 {Ms(Percentile(l, 0.99)):F2}  p99.9 {Ms(Percentile(l, 0.999)):F2}  max {Ms(l[^1]):F2}  mean {Ms((long)l.Average()):F2}"));
        await output.WriteLineAsync($"per second (successes by completion second, warm-up first): {string.Join(' ', result.PerSecond.Select(v => v.ToString(CultureInfo.InvariantCulture)))}");
        foreach (var error in result.FirstErrors)
        {
            await output.WriteLineAsync($"error sample: {error}");
        }
        foreach (var line in cpu.Describe(result.WindowAcknowledged, window))
        {
            await output.WriteLineAsync(line);
        }
        var p99 = l.Length == 0 ? double.NaN : Ms(Percentile(l, 0.99));
        var p50 = l.Length == 0 ? double.NaN : Ms(Percentile(l, 0.50));
        await output.WriteLineAsync(Invariant($"{tag} senders={options.Senders} channels={options.Channels} per_s={rate:F0} p50_ms={p50:F2} p99_ms={p99:F2} errors={result.HttpErrors + result.TransportErrors}{cpu.Summary(result.WindowAcknowledged, window)}"));
    }

    private static long Percentile(long[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
