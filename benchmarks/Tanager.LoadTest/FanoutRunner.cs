using System.Diagnostics;
using System.Globalization;

namespace Tanager.LoadTest;

/// <summary>
/// Drives one target: connects the subscribers (subscriber i to channel i mod N), waits until every one has received a
/// probe, then for each rate runs a warmup, waits for the warmup's deliveries to drain, runs a measured phase and waits
/// for its deliveries to drain.
/// Draining the warmup first means the measured phase starts with empty queues, so the server CPU time read around it
/// (when the server's process id is known) is spent on the measured messages, not on a warmup backlog.
/// </summary>
internal sealed class FanoutRunner(LoadTestOptions options, TextWriter log)
{
    // Generous for one WebSocket upgrade plus IDENTIFY/READY on a loaded loopback server; a slower connect is a failure.
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);
    // Covers Tanager's setup: two registrations (Argon2 hashing each) and four more REST calls; each further channel
    // adds a registration and four calls (~0.3 s on this VM), given 2 s here so a busy machine does not fail the setup.
    private static readonly TimeSpan PrepareTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PrepareTimePerChannel = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    // 10 probe rounds a second reach late subscribers quickly without loading the server before the warmup.
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);
    // Drain ends when nothing arrived for this long (the rest is lost), or at DrainLimit in any case.
    private static readonly TimeSpan DrainStall = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(50);
    // Server CPU with every subscriber connected and nothing published (heartbeats, timers), read once per target
    // after its measured phases; the settle time first lets work the last phase left behind (GC, store) finish.
    private static readonly TimeSpan IdleSettle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(3);

    private readonly LoadTestOptions _options = options;
    private readonly TextWriter _log = log;

    /// <param name="serverPid">Process id of the server behind <paramref name="target"/> if this tool started it; its CPU time is reported.</param>
    public async Task<IReadOnlyList<RunResult>> RunAsync(IFanoutTarget target, int? serverPid, CancellationToken cancellationToken)
    {
        using (var prepare = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            prepare.CancelAfter(PrepareTimeout + (PrepareTimePerChannel * (_options.Channels - 1)));
            var started = Stopwatch.GetTimestamp();
            await target.PrepareAsync(_options.Channels, prepare.Token);
            if (_options.Channels > 1)
            {
                Log(string.Create(CultureInfo.InvariantCulture, $"{target.Name}: {_options.Channels} channels prepared in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s"));
            }
        }

        var recorder = new DeliveryRecorder(_options.Channels);
        var publisher = new Publisher(_options, Log);
        var rssBefore = ProcessMemory.TryReadRssBytes(serverPid);
        await ConnectSubscribersAsync(target, recorder, cancellationToken);
        await WaitUntilReadyAsync(target, recorder, publisher, cancellationToken);
        if (rssBefore is { } before)
        {
            // Idle memory per subscribed connection: RSS after every subscriber is connected and confirmed, minus RSS
            // before the first connected, over the subscribers (what the pipeline issue calls idle memory).
            await Task.Delay(IdleSettle, cancellationToken);
            if (ProcessMemory.TryReadRssBytes(serverPid) is { } after)
            {
                var subscribers = Math.Max(1, recorder.Subscribed);
                Log(string.Create(CultureInfo.InvariantCulture, $"{target.Name}: server RSS {before / 1024.0 / 1024:F1} MiB before subscribers, {after / 1024.0 / 1024:F1} MiB with {subscribers} subscribed: {(after - before) / 1024.0 / subscribers:F1} KiB per subscriber"));
            }
        }
        if (_options.HoldIdleSeconds > 0)
        {
            Log($"{target.Name}: holding {_options.HoldIdleSeconds} s idle (server pid {serverPid?.ToString(CultureInfo.InvariantCulture) ?? "n/a"})");
            await Task.Delay(TimeSpan.FromSeconds(_options.HoldIdleSeconds), cancellationToken);
        }

        var results = new List<RunResult>();
        foreach (var rate in _options.Rates)
        {
            results.Add(await MeasureAsync(target, recorder, publisher, rate, serverPid, cancellationToken));
        }

        // Read after the measured phases, when start-up work (tiered JIT, pools) is done and every queue has drained.
        if (serverPid is not null)
        {
            await Task.Delay(IdleSettle, cancellationToken);
            var idle = CpuWindow.Start(serverPid)!;
            await Task.Delay(IdleWindow, cancellationToken);
            var idlePercent = idle.Stop()?.PercentOfOneCore;
            Log(string.Create(CultureInfo.InvariantCulture, $"{target.Name}: server idle with {recorder.Subscribed} subscribers connected: {idlePercent:F1} % CPU"));
            return [.. results.Select(result => result with { ServerIdleCpuPercent = idlePercent })];
        }
        return results;
    }

    private async Task ConnectSubscribersAsync(IFanoutTarget target, DeliveryRecorder recorder, CancellationToken cancellationToken)
    {
        var requested = _options.Subscribers;
        var channels = _options.Channels;
        var connected = 0;
        var failed = 0;
        string? firstError = null;
        var started = Stopwatch.GetTimestamp();
        // Opening with bounded concurrency keeps the accept backlog and the handshake burst realistic. Channel i mod N
        // interleaves the channels, so every channel fills at the same pace.
        await Parallel.ForEachAsync(
            Enumerable.Range(0, requested),
            new ParallelOptions { MaxDegreeOfParallelism = _options.ConnectConcurrency, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
                timeout.CancelAfter(ConnectTimeout);
                try
                {
                    var tracker = recorder.CreateTracker(index % channels);
                    await target.ConnectSubscriberAsync(tracker, timeout.Token);
                    tracker.OnConnected();
                    var count = Interlocked.Increment(ref connected);
                    if (count % Math.Max(1, requested / 4) == 0)
                    {
                        Log($"{target.Name}: {count}/{requested} subscribers connected");
                    }
                }
                catch (Exception ex) when (!token.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, ex.Message, null);
                }
            });
        Log($"{target.Name}: {connected} connected, {failed} failed in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
        if (connected == 0)
        {
            throw new InvalidOperationException($"No subscriber could connect: {firstError}");
        }
        if (failed > 0)
        {
            Log($"{target.Name}: first connect error: {firstError}");
        }
    }

    /// <summary>
    /// Publishes probes until every connected subscriber has received one, proving the fan-out path is live for all. Each
    /// round probes only the channels that still have a subscriber without one.
    /// </summary>
    private async Task WaitUntilReadyAsync(IFanoutTarget target, DeliveryRecorder recorder, Publisher publisher, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (recorder.ChannelsAwaitingPayload() is { Count: > 0 } waiting)
        {
            if (Stopwatch.GetElapsedTime(started) > ReadyTimeout)
            {
                Log($"{target.Name}: only {recorder.ReadySubscribers}/{recorder.Subscribed} subscribers ({recorder.Channels - waiting.Count}/{recorder.Channels} channels) received a probe within {ReadyTimeout.TotalSeconds} s; measuring anyway");
                return;
            }
            await publisher.ProbeAsync(target, waiting, cancellationToken);
            await Task.Delay(ProbeInterval, cancellationToken);
        }
        Log($"{target.Name}: all {recorder.ReadySubscribers} subscribers receiving after {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
    }

    private async Task<RunResult> MeasureAsync(IFanoutTarget target, DeliveryRecorder recorder, Publisher publisher, int rate, int? serverPid, CancellationToken cancellationToken)
    {
        var mode = rate == 0
            ? string.Create(CultureInfo.InvariantCulture, $"saturation ({_options.InFlight} in flight)")
            : string.Create(CultureInfo.InvariantCulture, $"fixed {rate} msg/s");
        if (_options.WarmupSeconds > 0)
        {
            Log($"{target.Name} {mode}: warmup {_options.WarmupSeconds} s");
            var warmupRun = recorder.BeginMeasurement(publisher.NextSequence);
            var warmupSubscribers = recorder.SubscribedPerChannel();
            var warmup = await publisher.RunPhaseAsync(target, rate, TimeSpan.FromSeconds(_options.WarmupSeconds), cancellationToken);
            warmupRun.Close(publisher.NextSequence);
            await DrainAsync(warmupRun, warmup.ExpectedDeliveries(warmupSubscribers), cancellationToken);
        }

        Log($"{target.Name} {mode}: measuring {_options.DurationSeconds} s");
        StalledSubscriber? stalled = null;
        if (_options.StallOne && target is TanagerTarget tanager)
        {
            stalled = tanager.StallOneSubscriber();
            Log(stalled is null
                ? $"{target.Name} {mode}: no subscriber left to stall; all are measured"
                : $"{target.Name} {mode}: one subscriber of channel {stalled.Channel} stops reading now; the others are measured");
        }
        // Who each channel's messages should reach: a snapshot, so subscribers lost during the phase show as lost deliveries.
        var perChannel = recorder.SubscribedPerChannel();
        if (stalled is { Tracker.IsSubscribed: true })
        {
            perChannel[stalled.Channel]--;
        }
        var subscribers = perChannel.Sum();
        var fromSequence = publisher.NextSequence;
        var run = recorder.BeginMeasurement(fromSequence);
        var serverCpu = CpuWindow.Start(serverPid);
        var clientCpu = CpuWindow.Start(Environment.ProcessId);
        var machineCpu = new MachineCpuWindow();
        // With a login flood (or --watch-health), /health and the server's RSS are watched for the same span as the table.
        var watched = target as TanagerTarget;
        await using var watch = watched is not null && (_options.WatchHealth || _options.LoginFlood > 0) ? PhaseWatch.Start(watched.BaseUrl, serverPid) : null;
        await using var flood = watched is not null && _options.LoginFlood > 0
            ? LoginFlood.Start(watched.BaseUrl, _options.LoginFlood, _options.LoginFloodAddresses == 0 ? _options.LoginFlood : _options.LoginFloodAddresses)
            : null;
        var phaseStarted = Stopwatch.GetTimestamp();
        var publish = await publisher.RunPhaseAsync(target, rate, TimeSpan.FromSeconds(_options.DurationSeconds), cancellationToken);
        var floodNote = flood is null ? null : await flood.StopAsync(Stopwatch.GetElapsedTime(phaseStarted));
        var toSequence = publisher.NextSequence;
        run.Close(toSequence);
        var expected = publish.ExpectedDeliveries(perChannel);
        await DrainAsync(run, expected, cancellationToken);
        var serverSample = serverCpu?.Stop();
        var clientSample = clientCpu?.Stop();
        var machineSample = machineCpu.Stop();
        var watchNote = watch is null ? null : await watch.StopAsync();
        foreach (var line in new[] { floodNote, watchNote }.OfType<string>())
        {
            Log($"{target.Name} {mode}: {line}");
        }
        StallCheck? stallCheck = null;
        if (stalled is not null)
        {
            var rss = ProcessMemory.TryReadRssBytes(serverPid);
            Log($"{target.Name} {mode}: server RSS at the end of the phase {(rss is { } bytes ? (bytes / 1024.0 / 1024).ToString("F1", CultureInfo.InvariantCulture) + " MiB" : "n/a")}");
            stallCheck = await ((TanagerTarget)target).CheckStalledSubscriberAsync(stalled, fromSequence, toSequence, cancellationToken);
            Log($"{target.Name} {mode}: stalled subscriber: {stallCheck.Description}");
        }

        var received = run.Received;
        var elapsed = received == 0 ? 0 : (double)(run.LastReceivedTimestamp - run.StartTimestamp) / Stopwatch.Frequency;
        var notes = new[] { publish.FirstError is null ? null : $"first publish error: {publish.FirstError}", stallCheck is null ? null : $"stalled subscriber: {stallCheck.Description}", floodNote, watchNote };
        var result = new RunResult
        {
            Target = target.Name,
            Mode = mode,
            Channels = _options.Channels,
            Subscribers = subscribers,
            RequestedSubscribers = _options.Subscribers,
            Published = publish.Succeeded,
            PublishFailures = publish.Failed,
            Expected = expected,
            Received = received,
            DeliveriesPerSecond = elapsed > 0 ? received / elapsed : 0,
            P50Ms = run.Latency.PercentileMicros(0.50) / 1000.0,
            P99Ms = run.Latency.PercentileMicros(0.99) / 1000.0,
            MaxMs = run.Latency.MaxMicros / 1000.0,
            LostSubscribers = recorder.LostSubscribers,
            Rate = rate,
            ServerCpu = serverSample,
            ClientCpu = clientSample,
            MachineCpu = machineSample?.Busy,
            StealCpu = machineSample?.Steal,
            StalledSubscriberComplete = stallCheck?.Complete,
            Note = notes.Any(note => note is not null) ? string.Join(". ", notes.OfType<string>()) : null,
        };
        Log(string.Create(CultureInfo.InvariantCulture, $"{target.Name} {mode}: {result.DeliveriesPerSecond:N0} deliveries/s, p50 {result.P50Ms:F2} ms, p99 {result.P99Ms:F2} ms, lost {expected - received:N0}, server CPU {Percent(serverSample)}, {MicrosPerDelivery(serverSample, received)} µs/delivery, client CPU {Percent(clientSample)}, machine busy {Percent(machineSample?.Busy)}"));
        return result;
    }

    private static async Task DrainAsync(MeasuredRun run, long expected, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var lastProgress = started;
        var lastReceived = run.Received;
        while (run.Received < expected && Stopwatch.GetElapsedTime(started) < DrainLimit)
        {
            await Task.Delay(DrainPoll, cancellationToken);
            var received = run.Received;
            if (received != lastReceived)
            {
                lastReceived = received;
                lastProgress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) > DrainStall)
            {
                return;
            }
        }
    }

    private static string Percent(CpuSample? sample) =>
        sample is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s.PercentOfOneCore:F0} %") : "n/a";

    private static string MicrosPerDelivery(CpuSample? sample, long deliveries) =>
        sample is { } s && deliveries > 0 ? string.Create(CultureInfo.InvariantCulture, $"{s.MicrosPer(deliveries):F2}") : "n/a";

    private void Log(string message)
    {
        lock (_log)
        {
            _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.Now:HH:mm:ss}] {message}"));
        }
    }
}
