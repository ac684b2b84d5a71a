using System.Globalization;

namespace Tanager.SendBenchmark;

/// <summary>CPU time spent during the measured window by the server, by named processes, by this tool, and by the machine.</summary>
internal sealed class CpuWindow(int? serverPid, IReadOnlyList<string> watched, string? serverLog)
{
    private Snapshot? _start;
    private Snapshot? _end;

    public void Start() => _start = Take();

    public void Stop() => _end = Take();

    public IEnumerable<string> Describe(long sends, double seconds)
    {
        if (_start is not { } a || _end is not { } b)
        {
            yield break;
        }
        if (a.Server is { } s0 && b.Server is { } s1)
        {
            yield return Line("server process", s1 - s0, sends, seconds);
            yield return string.Create(CultureInfo.InvariantCulture, $"server threads: {a.ServerThreads} at window start, {b.ServerThreads} at window end");
        }
        if (a.LogBytes is { } l0 && b.LogBytes is { } l1)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"server output (logs): {(l1 - l0) / 1e6:F1} MB in the window = {(sends == 0 ? double.NaN : (l1 - l0) / (double)sends):F0} bytes per request");
        }
        foreach (var (name, (t0, _)) in a.Watched)
        {
            if (b.Watched.TryGetValue(name, out var end))
            {
                yield return Line($"'{name}' processes ({end.Processes})", end.Ticks - t0, sends, seconds);
            }
        }
        if (a.Self is { } c0 && b.Self is { } c1)
        {
            yield return Line("this load generator", c1 - c0, sends, seconds);
        }
        if (a.Machine is { } m0 && b.Machine is { } m1 && m1.Total > m0.Total)
        {
            var total = (double)(m1.Total - m0.Total);
            // Everything busy that is none of the above: other tenants of the machine, kernel threads, softirq.
            var accounted = (b.Server ?? 0) - (a.Server ?? 0) + (b.Self ?? 0) - (a.Self ?? 0)
                + a.Watched.Sum(w => b.Watched.TryGetValue(w.Key, out var e) ? e.Ticks - w.Value.Ticks : 0);
            var machineCores = (m1.Busy - m0.Busy) / total * Environment.ProcessorCount;
            yield return string.Create(CultureInfo.InvariantCulture,
                $"cpu everything else (other processes, kernel): {machineCores - accounted / ProcCpu.TicksPerSecond / seconds:F2} cores");
            yield return string.Create(CultureInfo.InvariantCulture,
                $"cpu machine: busy {100 * (m1.Busy - m0.Busy) / total:F0}%, iowait {100 * (m1.IoWait - m0.IoWait) / total:F0}%, idle {100 * (total - (m1.Busy - m0.Busy) - (m1.IoWait - m0.IoWait)) / total:F0}% of {Environment.ProcessorCount} cores");
        }
    }

    public string Summary(long sends, double seconds)
    {
        if (_start is not { } a || _end is not { } b || sends == 0)
        {
            return "";
        }
        var text = "";
        if (a.Server is { } s0 && b.Server is { } s1)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" server_cpu_us_per_req={(s1 - s0) / ProcCpu.TicksPerSecond * 1e6 / sends:F0} server_cores={(s1 - s0) / ProcCpu.TicksPerSecond / seconds:F2}");
        }
        foreach (var (name, (t0, _)) in a.Watched)
        {
            if (b.Watched.TryGetValue(name, out var end))
            {
                text += string.Create(CultureInfo.InvariantCulture, $" {name}_cpu_us_per_req={(end.Ticks - t0) / ProcCpu.TicksPerSecond * 1e6 / sends:F0} {name}_cores={(end.Ticks - t0) / ProcCpu.TicksPerSecond / seconds:F2}");
            }
        }
        if (a.Self is { } c0 && b.Self is { } c1)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" client_cores={(c1 - c0) / ProcCpu.TicksPerSecond / seconds:F2}");
        }
        if (a.Machine is { } m0 && b.Machine is { } m1 && m1.Total > m0.Total)
        {
            text += string.Create(CultureInfo.InvariantCulture, $" machine_busy_cores={(m1.Busy - m0.Busy) / (double)(m1.Total - m0.Total) * Environment.ProcessorCount:F2}");
        }
        return text;
    }

    private static string Line(string what, long ticks, long sends, double seconds)
    {
        var cpuSeconds = ticks / ProcCpu.TicksPerSecond;
        return string.Create(CultureInfo.InvariantCulture,
            $"cpu {what}: {cpuSeconds:F2} s in {seconds:F1} s = {cpuSeconds / seconds:F2} cores; {(sends == 0 ? double.NaN : cpuSeconds * 1e6 / sends):F0} µs CPU per request");
    }

    private Snapshot Take() => new(
        serverPid is { } pid ? ProcCpu.ProcessTicks(pid) : null,
        serverPid is { } p ? ProcCpu.Threads(p) : null,
        serverLog is not null && File.Exists(serverLog) ? new FileInfo(serverLog).Length : null,
        watched.Distinct().ToDictionary(n => n, ProcCpu.TicksByName),
        ProcCpu.ProcessTicks(Environment.ProcessId),
        ProcCpu.Machine());

    private sealed record Snapshot(long? Server, int? ServerThreads, long? LogBytes, Dictionary<string, (long Ticks, int Processes)> Watched, long? Self, MachineTicks? Machine);
}
