using System.CommandLine;

namespace Tanager.SendBenchmark;

/// <summary>The <c>tanager-sendbench</c> command line.</summary>
internal static class SendBenchmarkCommand
{
    public static RootCommand Build()
    {
        var serverUrl = new Option<string?>("--server-url") { Description = "A running Tanager server, e.g. http://127.0.0.1:8080 (loopback only)." };
        var tanagerDll = new Option<string?>("--tanager-dll") { Description = "Start this server (dotnet <dll> serve --listen http://127.0.0.1:<free port> …) and stop it at the end." };
        var tanagerArgs = new Option<string[]>("--tanager-arg")
        {
            Description = "One more argument for 'serve' (repeat it), e.g. --tanager-arg --data-dir --tanager-arg /tmp/x.",
            AllowMultipleArgumentsPerToken = false,
            DefaultValueFactory = _ => [],
        };
        var senders = new Option<int>("--senders") { Description = "Concurrent send loops.", DefaultValueFactory = _ => 200 };
        var channels = new Option<int>("--channels") { Description = "Channels the senders spread over.", DefaultValueFactory = _ => 100 };
        var duration = new Option<double>("--duration") { Description = "Measured seconds (after the warm-up).", DefaultValueFactory = _ => 15 };
        var warmup = new Option<double>("--warmup") { Description = "Warm-up seconds: sends count for verification but not for the figures.", DefaultValueFactory = _ => 3 };
        var contentBytes = new Option<int>("--content-bytes") { Description = "Message content length (ASCII, 1..4000).", DefaultValueFactory = _ => 200 };
        var maxSends = new Option<long>("--max-sends") { Description = "Hard cap on the sends of the whole run.", DefaultValueFactory = _ => 5_000_000 };
        var requestTimeout = new Option<double>("--request-timeout") { Description = "Seconds before one request counts as an error.", DefaultValueFactory = _ => 30 };
        var watch = new Option<string[]>("--watch-process")
        {
            Description = "Also report the CPU time per send of every process with this name (/proc comm), e.g. postgres. Repeatable.",
            DefaultValueFactory = _ => [],
        };
        var verifyAfterKill = new Option<bool>("--verify-after-kill")
        {
            Description = "With --tanager-dll: SIGKILL the server after the run, start it again on the same storage, and verify through the new process.",
        };

        var serverLog = new Option<string?>("--server-log") { Description = "With --tanager-dll: append the server's stdout and stderr to this file (default: a scratch file, deleted at the end)." };
        var healthBaseline = new Option<bool>("--health-baseline")
        {
            Description = "Before the sends, run the same loops for the same time against GET /health (no auth, no storage): what HTTP alone allows here.",
        };
        var root = new RootCommand("Durable-send throughput and latency of a Tanager server through its REST API, with a full consistency check afterwards.")
        {
            serverUrl, tanagerDll, tanagerArgs, senders, channels, duration, warmup, contentBytes, maxSends, requestTimeout, watch, verifyAfterKill, serverLog, healthBaseline,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            // Checked here rather than in validators: only here do options that were not given hold their defaults.
            var errors = Check(parse).ToList();
            if (errors.Count > 0)
            {
                foreach (var error in errors)
                {
                    await Console.Error.WriteLineAsync(error);
                }
                return 2;
            }
            var url = parse.GetValue(serverUrl);
            var options = new SendBenchmarkOptions
            {
                ServerUrl = url is null ? null : new Uri(url),
                TanagerDll = parse.GetValue(tanagerDll),
                TanagerArgs = parse.GetValue(tanagerArgs) ?? [],
                Senders = parse.GetValue(senders),
                Channels = parse.GetValue(channels),
                Duration = TimeSpan.FromSeconds(parse.GetValue(duration)),
                Warmup = TimeSpan.FromSeconds(parse.GetValue(warmup)),
                ContentBytes = parse.GetValue(contentBytes),
                MaxSends = parse.GetValue(maxSends),
                RequestTimeout = TimeSpan.FromSeconds(parse.GetValue(requestTimeout)),
                WatchProcesses = parse.GetValue(watch) ?? [],
                VerifyAfterKill = parse.GetValue(verifyAfterKill),
                ServerLog = parse.GetValue(serverLog),
                HealthBaseline = parse.GetValue(healthBaseline),
            };
            return await SendBenchmarkRun.RunAsync(options, "tanager-sendbench " + string.Join(' ', parse.Tokens.Select(t => t.Value)), cancellationToken);
        });
        return root;

        IEnumerable<string> Check(ParseResult result)
        {
            var url = result.GetValue(serverUrl);
            var dll = result.GetValue(tanagerDll);
            if ((url is null) == (dll is null))
            {
                yield return "Give exactly one of --server-url and --tanager-dll.";
            }
            if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || !parsed.IsLoopback || parsed.Scheme != Uri.UriSchemeHttp))
            {
                yield return "--server-url must be an http:// URL on a loopback address.";
            }
            if (result.GetValue(verifyAfterKill) && dll is null)
            {
                yield return "--verify-after-kill needs --tanager-dll.";
            }
            if (result.GetValue(serverLog) is not null && dll is null)
            {
                yield return "--server-log needs --tanager-dll.";
            }
            if (result.GetValue(senders) is < 1 or > 5000)
            {
                yield return "--senders must be 1..5000.";
            }
            if (result.GetValue(channels) is < 1 or > 10000)
            {
                yield return "--channels must be 1..10000.";
            }
            if (result.GetValue(duration) is <= 0 or > 600)
            {
                yield return "--duration must be in (0, 600] seconds.";
            }
            if (result.GetValue(warmup) is < 0 or > 120)
            {
                yield return "--warmup must be 0..120 seconds.";
            }
            if (result.GetValue(contentBytes) is < 1 or > 4000)
            {
                yield return "--content-bytes must be 1..4000.";
            }
            if (result.GetValue(maxSends) < 1)
            {
                yield return "--max-sends must be positive.";
            }
            if (result.GetValue(requestTimeout) is <= 0 or > 300)
            {
                yield return "--request-timeout must be in (0, 300] seconds.";
            }
        }
    }
}
