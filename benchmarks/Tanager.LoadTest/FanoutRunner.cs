using System.Diagnostics;
using System.Globalization;

namespace Tanager.LoadTest;

/// <summary>
/// Drives one target: connects the subscribers, waits until every one has received a probe, then for each rate runs
/// a warmup, waits for the warmup's deliveries to drain, runs a measured phase and waits for its deliveries to drain.
/// Draining the warmup first means the measured phase starts with empty queues, so the server CPU time read around it
/// (when the server's process id is known) is spent on the measured messages, not on a warmup backlog.
/// </summary>
internal sealed class FanoutRunner(LoadTestOptions options, TextWriter log)
{
    // Generous for one WebSocket upgrade plus IDENTIFY/READY on a loaded loopback server; a slower connect is a failure.
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);
    // Covers Tanager's setup: two registrations (Argon2 hashing each) and four more REST calls.
    private static readonly TimeSpan PrepareTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    // 10 probes a second reaches late subscribers quickly without loading the server before the warmup.
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);
    // Drain ends when nothing arrived for this long (the rest is lost), or at DrainLimit in any case.
    private static readonly TimeSpan DrainStall = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(50);
    // Server CPU with every subscriber connected and nothing published (heartbeats, timers), read once per target
    // after its measured phases; the settle time first lets work the last phase left behind (GC, store) finish.
    private static readonly TimeSpan IdleSettle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(3);
    // Publishes still unacknowledged this long after a phase ends are abandoned, so a stuck server cannot hang the run.
    private static readonly TimeSpan PublishGrace = TimeSpan.FromSeconds(30);
    // Hard cap on messages per phase besides the time limit (far above what one publisher reaches in 600 s here).
    private const long MaxMessagesPerPhase = 5_000_000;
    // A healthy run fails no publish; past this many the publisher is broken and the phase ends instead of spinning.
    private const long MaxFailedPublishes = 1_000;

    private readonly LoadTestOptions _options = options;
    private readonly TextWriter _log = log;
    private long _lastSequence;

    /// <param name="serverPid">Process id of the server behind <paramref name="target"/> if this tool started it; its CPU time is reported.</param>
    public async Task<IReadOnlyList<RunResult>> RunAsync(IFanoutTarget target, int? serverPid, CancellationToken cancellationToken)
    {
        using (var prepare = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            prepare.CancelAfter(PrepareTimeout);
            await target.PrepareAsync(prepare.Token);
        }

        var recorder = new DeliveryRecorder();
        var rssBefore = ProcessMemory.TryReadRssBytes(serverPid);
        var connected = await ConnectSubscribersAsync(target, recorder, cancellationToken);
        await WaitUntilReadyAsync(target, recorder, connected, cancellationToken);
        if (rssBefore is { } before)
        {
            // Idle memory per subscribed connection: RSS after every subscriber is connected and confirmed, minus RSS
            // before the first connected, over the subscribers (what the pipeline issue calls idle memory).
            await Task.Delay(IdleSettle, cancellationToken);
            if (ProcessMemory.TryReadRssBytes(serverPid) is { } after)
            {
                var subscribers = Math.Max(1, connected - target.LostSubscribers);
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
            results.Add(await MeasureAsync(target, recorder, rate, connected, serverPid, cancellationToken));
        }

        // Read after the measured phases, when start-up work (tiered JIT, pools) is done and every queue has drained.
        if (serverPid is not null)
        {
            await Task.Delay(IdleSettle, cancellationToken);
            var idle = CpuWindow.Start(serverPid)!;
            await Task.Delay(IdleWindow, cancellationToken);
            var idlePercent = idle.Stop()?.PercentOfOneCore;
            Log(string.Create(CultureInfo.InvariantCulture, $"{target.Name}: server idle with {connected - target.LostSubscribers} subscribers connected: {idlePercent:F1} % CPU"));
            return [.. results.Select(result => result with { ServerIdleCpuPercent = idlePercent })];
        }
        return results;
    }

    private async Task<int> ConnectSubscribersAsync(IFanoutTarget target, DeliveryRecorder recorder, CancellationToken cancellationToken)
    {
        var requested = _options.Subscribers;
        var connected = 0;
        var failed = 0;
        string? firstError = null;
        var started = Stopwatch.GetTimestamp();
        // Opening with bounded concurrency keeps the accept backlog and the handshake burst realistic.
        await Parallel.ForEachAsync(
            Enumerable.Range(0, requested),
            new ParallelOptions { MaxDegreeOfParallelism = _options.ConnectConcurrency, CancellationToken = cancellationToken },
            async (_, token) =>
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
                timeout.CancelAfter(ConnectTimeout);
                try
                {
                    await target.ConnectSubscriberAsync(recorder.CreateTracker(), timeout.Token);
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
        return connected;
    }

    /// <summary>Publishes probes until every connected subscriber has received one, proving the fan-out path is live for all.</summary>
    private async Task WaitUntilReadyAsync(IFanoutTarget target, DeliveryRecorder recorder, int connected, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (recorder.ReadySubscribers < connected - target.LostSubscribers)
        {
            if (Stopwatch.GetElapsedTime(started) > ReadyTimeout)
            {
                Log($"{target.Name}: only {recorder.ReadySubscribers}/{connected} subscribers received a probe within {ReadyTimeout.TotalSeconds} s; measuring anyway");
                return;
            }
            await target.PublishAsync(Payload.Create(++_lastSequence, Stopwatch.GetTimestamp(), _options.PayloadBytes), cancellationToken);
            await Task.Delay(ProbeInterval, cancellationToken);
        }
        Log($"{target.Name}: all {recorder.ReadySubscribers} subscribers receiving after {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
    }

    private async Task<RunResult> MeasureAsync(IFanoutTarget target, DeliveryRecorder recorder, int rate, int connected, int? serverPid, CancellationToken cancellationToken)
    {
        var mode = rate == 0
            ? string.Create(CultureInfo.InvariantCulture, $"saturation ({_options.InFlight} in flight)")
            : string.Create(CultureInfo.InvariantCulture, $"fixed {rate} msg/s");
        if (_options.WarmupSeconds > 0)
        {
            Log($"{target.Name} {mode}: warmup {_options.WarmupSeconds} s");
            var warmupRun = recorder.BeginMeasurement(_lastSequence + 1);
            var warmup = await PublishPhaseAsync(target, rate, TimeSpan.FromSeconds(_options.WarmupSeconds), cancellationToken);
            warmupRun.Close(_lastSequence + 1);
            await DrainAsync(warmupRun, warmup.Succeeded * (connected - target.LostSubscribers), cancellationToken);
        }

        Log($"{target.Name} {mode}: measuring {_options.DurationSeconds} s");
        var stalled = _options.StallOne && target is TanagerTarget;
        if (stalled)
        {
            ((TanagerTarget)target).StallFirstSubscriber();
            Log($"{target.Name} {mode}: the first subscriber stops reading now; the others are measured");
        }
        var subscribers = connected - target.LostSubscribers - (stalled ? 1 : 0);
        var run = recorder.BeginMeasurement(_lastSequence + 1);
        var serverCpu = CpuWindow.Start(serverPid);
        var clientCpu = CpuWindow.Start(Environment.ProcessId);
        var machineCpu = new MachineCpuWindow();
        var publish = await PublishPhaseAsync(target, rate, TimeSpan.FromSeconds(_options.DurationSeconds), cancellationToken);
        run.Close(_lastSequence + 1);
        var expected = publish.Succeeded * subscribers;
        await DrainAsync(run, expected, cancellationToken);
        var serverSample = serverCpu?.Stop();
        var clientSample = clientCpu?.Stop();
        var machineSample = machineCpu.Stop();
        if (stalled)
        {
            var rss = ProcessMemory.TryReadRssBytes(serverPid);
            Log($"{target.Name} {mode}: server RSS at the end of the phase {(rss is { } bytes ? (bytes / 1024.0 / 1024).ToString("F1", CultureInfo.InvariantCulture) + " MiB" : "n/a")}; stalled subscriber: {await ((TanagerTarget)target).ResumeStalledSubscriberAsync()}");
        }

        var received = run.Received;
        var elapsed = received == 0 ? 0 : (double)(run.LastReceivedTimestamp - run.StartTimestamp) / Stopwatch.Frequency;
        var result = new RunResult
        {
            Target = target.Name,
            Mode = mode,
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
            LostSubscribers = target.LostSubscribers,
            Rate = rate,
            ServerCpu = serverSample,
            ClientCpu = clientSample,
            MachineCpu = machineSample?.Busy,
            StealCpu = machineSample?.Steal,
            Note = publish.FirstError is null ? null : $"first publish error: {publish.FirstError}",
        };
        Log(string.Create(CultureInfo.InvariantCulture, $"{target.Name} {mode}: {result.DeliveriesPerSecond:N0} deliveries/s, p50 {result.P50Ms:F2} ms, p99 {result.P99Ms:F2} ms, lost {expected - received:N0}, server CPU {Percent(serverSample)}, {MicrosPerDelivery(serverSample, received)} µs/delivery, client CPU {Percent(clientSample)}, machine busy {Percent(machineSample?.Busy)}"));
        return result;
    }

    /// <summary>
    /// Publishes for <paramref name="duration"/>: at <paramref name="rate"/> messages/s, or as fast as acknowledgements
    /// allow when it is 0; never more than <see cref="LoadTestOptions.InFlight"/> unacknowledged. At a fixed rate the
    /// embedded timestamp is the scheduled send time, so a publisher held back by the in-flight bound or by a late timer
    /// still charges that delay to latency (no coordinated omission).
    /// </summary>
    private async Task<PublishCounts> PublishPhaseAsync(IFanoutTarget target, int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var counts = new PublishCounts();
        // Not disposed: abandoned publishes may still release it after this method returns; it holds no wait handle.
        var slots = new SemaphoreSlim(_options.InFlight, _options.InFlight);
        using var phase = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        phase.CancelAfter(duration + PublishGrace);
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        try
        {
            for (long i = 0; i < MaxMessagesPerPhase && counts.Failed < MaxFailedPublishes; i++)
            {
                long sentAt;
                if (rate > 0)
                {
                    sentAt = start + (i * Stopwatch.Frequency / rate);
                    if (sentAt >= end)
                    {
                        break;
                    }
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), sentAt);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, phase.Token);
                    }
                    await slots.WaitAsync(phase.Token);
                }
                else
                {
                    await slots.WaitAsync(phase.Token);
                    sentAt = Stopwatch.GetTimestamp();
                    if (sentAt >= end)
                    {
                        slots.Release();
                        break;
                    }
                }
                _ = PublishOneAsync(target, Payload.Create(++_lastSequence, sentAt, _options.PayloadBytes), slots, counts, phase.Token);
            }
            // Taking every slot back means no publish of this phase is still outstanding.
            for (var i = 0; i < _options.InFlight; i++)
            {
                await slots.WaitAsync(phase.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log($"{target.Name}: publishes still unacknowledged {PublishGrace.TotalSeconds} s after the phase were abandoned");
        }
        return counts;
    }

    private static async Task PublishOneAsync(IFanoutTarget target, string content, SemaphoreSlim slots, PublishCounts counts, CancellationToken cancellationToken)
    {
        try
        {
            await target.PublishAsync(content, cancellationToken);
            counts.Succeed();
        }
        catch (Exception ex)
        {
            // Any failure (HTTP error, closed connection, cancellation) is counted and reported, never fatal to the run.
            counts.Fail(ex);
        }
        finally
        {
            slots.Release();
        }
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

    private sealed class PublishCounts
    {
        private long _succeeded;
        private long _failed;
        private string? _firstError;

        public long Succeeded => Interlocked.Read(ref _succeeded);
        public long Failed => Interlocked.Read(ref _failed);
        public string? FirstError => Volatile.Read(ref _firstError);

        public void Succeed() => Interlocked.Increment(ref _succeeded);

        public void Fail(Exception ex)
        {
            Interlocked.Increment(ref _failed);
            Interlocked.CompareExchange(ref _firstError, ex.Message, null);
        }
    }
}
