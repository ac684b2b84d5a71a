using System.Globalization;

namespace Tanager.LoadTest;

/// <summary>Starts the servers asked for, runs every selected target in turn, prints the table, and stops the servers.</summary>
internal static class LoadTestCommand
{
    public const string Tanager = "tanager";
    public const string SignalR = "signalr";
    public const string WebSocket = "websocket";
    public const string All = "all";

    // Per subscriber one socket here; the rest covers the publisher, its HTTP connections (≤ 1024 in flight) and the runtime.
    private const int DescriptorHeadroom = 1100;

    /// <param name="commandLine">This process's arguments, re-run under taskset for <c>--pin</c>.</param>
    public static async Task<int> RunAsync(LoadTestOptions options, string[] commandLine, CancellationToken cancellationToken)
    {
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync(problem);
            }
            return 2;
        }
        string? taskset = null;
        if (options.Pin)
        {
            if (await CpuPinning.EnsureClientPinnedAsync(commandLine, Console.Error, cancellationToken) is { } exitCode)
            {
                return exitCode;
            }
            taskset = CpuPinning.FindTaskset();
            if (options.TanagerUrl is not null || options.BaselineUrl is not null)
            {
                await Console.Error.WriteLineAsync($"warning: --pin does not pin servers given by URL; start them under taskset -c {CpuPinning.ServerCore} yourself.");
            }
        }
        WarnAboutDescriptorLimit(options.Subscribers);

        var servers = new List<ServerProcess>();
        // A backstop for an interrupted run: children must not outlive the load test.
        void KillServers(object? sender, EventArgs e)
        {
            lock (servers)
            {
                servers.ForEach(server => server.KillNow());
            }
        }
        AppDomain.CurrentDomain.ProcessExit += KillServers;
        try
        {
            var wantsTanager = options.Targets.Contains(Tanager);
            var wantsBaselines = options.Targets.Contains(SignalR) || options.Targets.Contains(WebSocket);
            var tanagerUrl = options.TanagerUrl;
            var baselineUrl = options.BaselineUrl;
            // Only servers started here have a known process whose CPU time can be read.
            int? tanagerPid = null;
            int? baselinesPid = null;
            int? serverCore = options.Pin ? CpuPinning.ServerCore : null;
            try
            {
                if (wantsTanager && options.TanagerDll is not null)
                {
                    if (options.ScrapeMetrics is { } metrics)
                    {
                        MetricsScrape.ServeAt(metrics);
                    }
                    var server = await StartAsync(servers, Tanager, options.TanagerDll, url => ["serve", "--listen", url, .. options.TanagerArgs], taskset, serverCore, options.LoginFlood > 0 || options.WatchHealth, cancellationToken);
                    (tanagerUrl, tanagerPid) = (server.BaseUrl, server.Pid);
                }
                if (wantsBaselines && options.BaselinesDll is not null)
                {
                    var server = await StartAsync(servers, "baselines", options.BaselinesDll, url => ["--urls", url], taskset, serverCore, false, cancellationToken);
                    (baselineUrl, baselinesPid) = (server.BaseUrl, server.Pid);
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
                await Console.Error.WriteLineAsync($"could not start a server: {ex.Message}");
                return 1;
            }

            var runner = new FanoutRunner(options, Console.Error);
            var results = new List<RunResult>();
            var notes = new List<string>();
            foreach (var name in options.Targets)
            {
                IFanoutTarget? target = name switch
                {
                    // With --stall-one each measured phase stalls a subscriber of its own, so that many may be stalled.
                    Tanager when tanagerUrl is not null => new TanagerTarget(tanagerUrl, options.InFlight, options.StallOne ? options.Rates.Count : 0),
                    SignalR when baselineUrl is not null => new SignalRTarget(baselineUrl),
                    WebSocket when baselineUrl is not null => new WebSocketTarget(baselineUrl),
                    _ => null,
                };
                if (target is null)
                {
                    var missing = name == Tanager ? "--tanager-url or --tanager-dll" : "--baseline-url or --baselines-dll";
                    results.Add(RunResult.Skipped(name, $"give {missing}"));
                    continue;
                }
                await using (target)
                {
                    try
                    {
                        // SignalR and WebSocket share the baselines process; they run one after the other, so each
                        // measured phase still sees only its own target's work.
                        var serverPid = name == Tanager ? tanagerPid : baselinesPid;
                        results.AddRange(await runner.RunAsync(target, serverPid, cancellationToken));
                        notes.Add(target.PublishNote);
                    }
                    catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                    {
                        results.Add(RunResult.Failed(name, ex.Message));
                    }
                }
            }

            if (options.Channels > 1)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{options.Channels} channels: subscriber i follows channel i mod {options.Channels}; the publisher sends message i of a phase to channel i mod {options.Channels}, so the rate is messages/s over all channels and each message is expected at its channel's subscribers only (expected = Σ per channel of acknowledged messages × that channel's subscribers)."));
            }
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"payload {options.PayloadBytes} bytes; latency = publish start (scheduled time at a fixed rate) to receipt, Stopwatch timestamps in one process; deliveries/s = measured deliveries / time from the first measured publish to the last measured receipt; lost = expected − received."));
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"server CPU = utime + stime of the server process from /proc/<pid>/stat ({ProcessCpu.TicksSource}) over the measured phase: from the first measured publish (the warmup's deliveries have all arrived by then) until the last measured delivery arrived (drain polled every 50 ms); % is of one core; µs/delivery = server CPU time / received deliveries. n/a = server given by URL. client CPU = the same for this load tool. other CPU = machine busy time from /proc/stat (user + nice + system + irq + softirq, all cores) minus server and client: other processes, such as a build, and kernel time charged to no process; more than a few % means the phase shared the machine and its figures are suspect."));
            notes.Add(options.Pin
                ? string.Create(CultureInfo.InvariantCulture, $"pinned: servers on core {CpuPinning.ServerCore} (taskset -c {CpuPinning.ServerCore}), load tool on cores {CpuPinning.AllowedCoreList(Environment.ProcessId)}; a server at ~100 % CPU is the bottleneck, a client at ~100 % per client core is.")
                : string.Create(CultureInfo.InvariantCulture, $"not pinned: load generator and servers share cores {CpuPinning.AllowedCoreList(Environment.ProcessId) ?? "?"}, so absolute throughput and latency include the client's competition for CPU."));
            await Console.Out.WriteAsync(MarkdownReport.Render(results, notes));
            if (options.ScrapeMetrics is { } scrape)
            {
                await Console.Out.WriteAsync(await MetricsScrape.ReadAsync(scrape, cancellationToken));
            }
            // A stalled subscriber that came back without every message is a failed check, like a failed target.
            return results.Any(result => result.Mode == RunResult.FailedMode || result.StalledSubscriberComplete == false) ? 1 : 0;
        }
        finally
        {
            AppDomain.CurrentDomain.ProcessExit -= KillServers;
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    private static async Task<ServerProcess> StartAsync(List<ServerProcess> servers, string name, string dll, Func<string, IEnumerable<string>> arguments, string? taskset, int? core, bool loginThrottling, CancellationToken cancellationToken)
    {
        var server = await ServerProcess.StartAsync(name, dll, arguments, taskset, core, loginThrottling, cancellationToken);
        lock (servers)
        {
            servers.Add(server);
        }
        await Console.Error.WriteLineAsync($"started {name} at {server.BaseUrl} (pid {server.Pid}, cores {CpuPinning.AllowedCoreList(server.Pid) ?? "?"})");
        return server;
    }

    /// <summary>
    /// Warns when the open-file limit cannot hold the subscriber sockets. The .NET runtime raises its soft limit to the
    /// hard limit at start-up, so /proc/self/limits shows what this process really has; only `ulimit -Hn` can help.
    /// </summary>
    private static void WarnAboutDescriptorLimit(int subscribers)
    {
        const string limitsFile = "/proc/self/limits";
        if (!File.Exists(limitsFile))
        {
            return;
        }
        var line = File.ReadLines(limitsFile).FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var fields = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields is { Length: > 0 } && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft)
            && soft < subscribers + DescriptorHeadroom)
        {
            Console.Error.WriteLine($"warning: open-file limit {soft} is below {subscribers + DescriptorHeadroom} for {subscribers} subscribers; raise it (ulimit -n) or connects will fail with 'Too many open files'. Servers started with --*-dll inherit it.");
        }
    }
}
