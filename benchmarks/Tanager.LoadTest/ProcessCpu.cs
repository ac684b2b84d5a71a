using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Tanager.LoadTest;

/// <summary>
/// CPU time of one process from <c>/proc/&lt;pid&gt;/stat</c>: utime + stime (fields 14 and 15, in clock ticks),
/// summed over all its threads by the kernel. Linux only; elsewhere <see cref="TryRead"/> returns null.
/// </summary>
internal static class ProcessCpu
{
    // sysconf(_SC_CLK_TCK); _SC_CLK_TCK is 2 in glibc and musl. 100 is what every mainstream Linux build uses (USER_HZ).
    private const int ScClkTck = 2;
    private const long AssumedTicksPerSecond = 100;

    private static readonly Lazy<(long Ticks, bool FromSysconf)> s_ticksPerSecond = new(ReadTicksPerSecond);

    /// <summary>Clock ticks per second used by <c>/proc/&lt;pid&gt;/stat</c>.</summary>
    public static long TicksPerSecond => s_ticksPerSecond.Value.Ticks;

    /// <summary>Where <see cref="TicksPerSecond"/> came from, for the report.</summary>
    public static string TicksSource => s_ticksPerSecond.Value.FromSysconf
        ? string.Create(CultureInfo.InvariantCulture, $"CLK_TCK {TicksPerSecond} from sysconf(_SC_CLK_TCK)")
        : string.Create(CultureInfo.InvariantCulture, $"CLK_TCK assumed {TicksPerSecond} (sysconf unavailable)");

    /// <summary>utime + stime of <paramref name="pid"/>, or null when it cannot be read (gone, not Linux).</summary>
    public static TimeSpan? TryRead(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // Field 2 (comm) is in parentheses and may contain spaces or ')'; fields 3… follow the last ')'.
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }
        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state), so field n is fields[n - 3]: utime = fields[11], stime = fields[12].
        if (fields.Length < 13
            || !long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var utime)
            || !long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var stime))
        {
            return null;
        }
        return TimeSpan.FromSeconds((double)(utime + stime) / TicksPerSecond);
    }

    private static (long, bool) ReadTicksPerSecond()
    {
        try
        {
            var ticks = SysConf(ScClkTck);
            if (ticks > 0)
            {
                return (ticks, true);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc/musl: fall through to the assumption.
        }
        return (AssumedTicksPerSecond, false);
    }

    // DllImport rather than LibraryImport: the signature is blittable, and LibraryImport would need unsafe code
    // enabled for the whole project. C long is pointer-sized on Linux (LP64 and ILP32).
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "sysconf")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint SysConf(int name);
#pragma warning restore SYSLIB1054
}

/// <summary>CPU time and wall time of one process between two points; a missing reading yields no figures.</summary>
internal sealed class CpuWindow
{
    private readonly int _pid;
    private readonly TimeSpan? _cpuStart;
    private readonly long _wallStart;

    private CpuWindow(int pid)
    {
        _pid = pid;
        _cpuStart = ProcessCpu.TryRead(pid);
        _wallStart = Stopwatch.GetTimestamp();
    }

    public static CpuWindow? Start(int? pid) => pid is { } id ? new CpuWindow(id) : null;

    /// <summary>CPU seconds used and wall seconds elapsed since <see cref="Start"/>.</summary>
    public CpuSample? Stop()
    {
        var cpuEnd = ProcessCpu.TryRead(_pid);
        var wall = Stopwatch.GetElapsedTime(_wallStart).TotalSeconds;
        return _cpuStart is { } start && cpuEnd is { } end && wall > 0
            ? new CpuSample((end - start).TotalSeconds, wall)
            : null;
    }
}

/// <summary><paramref name="CpuSeconds"/> of CPU used over <paramref name="WallSeconds"/>.</summary>
internal readonly record struct CpuSample(double CpuSeconds, double WallSeconds)
{
    /// <summary>Percent of one core (200 % = two cores fully busy).</summary>
    public double PercentOfOneCore => CpuSeconds / WallSeconds * 100;

    public double MicrosPer(long count) => count > 0 ? CpuSeconds * 1_000_000 / count : double.NaN;
}

/// <summary>
/// Busy time of the whole machine from the aggregate <c>cpu</c> line of <c>/proc/stat</c>: user + nice + system + irq +
/// softirq (idle, iowait and steal excluded; guest time is already inside user). Used to see whether anything besides
/// the server and this tool was running during a phase, as another engineer's build on a shared machine would.
/// </summary>
internal static class MachineCpu
{
    /// <summary>Online cores of the machine (cpuN lines of /proc/stat), whatever this process's affinity; 0 if unknown.</summary>
    public static int CoreCount { get; } = CountCores();

    /// <summary>Busy and steal time so far, or null when /proc/stat cannot be read.</summary>
    public static (TimeSpan Busy, TimeSpan Steal)? TryRead()
    {
        string? line;
        try
        {
            line = File.ReadLines("/proc/stat").FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // cpu user nice system idle iowait irq softirq steal …
        if (fields is not { Length: >= 9 })
        {
            return null;
        }
        var values = new long[8];
        for (var i = 0; i < values.Length; i++)
        {
            if (!long.TryParse(fields[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]))
            {
                return null;
            }
        }
        var busy = values[0] + values[1] + values[2] + values[5] + values[6];
        return (Ticks(busy), Ticks(values[7]));
    }

    private static int CountCores()
    {
        try
        {
            return File.ReadLines("/proc/stat").Count(l => l.Length > 3 && l.StartsWith("cpu", StringComparison.Ordinal) && char.IsAsciiDigit(l[3]));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static TimeSpan Ticks(long ticks) => TimeSpan.FromSeconds((double)ticks / ProcessCpu.TicksPerSecond);
}

/// <summary>Machine-wide busy and steal time between two points.</summary>
internal sealed class MachineCpuWindow
{
    private readonly (TimeSpan Busy, TimeSpan Steal)? _start = MachineCpu.TryRead();
    private readonly long _wallStart = Stopwatch.GetTimestamp();

    /// <summary>Busy and steal over the window (CPU seconds, summed over cores) and its wall time; null if unreadable.</summary>
    public (CpuSample Busy, CpuSample Steal)? Stop()
    {
        var end = MachineCpu.TryRead();
        var wall = Stopwatch.GetElapsedTime(_wallStart).TotalSeconds;
        return _start is { } start && end is { } stop && wall > 0
            ? (new CpuSample((stop.Busy - start.Busy).TotalSeconds, wall), new CpuSample((stop.Steal - start.Steal).TotalSeconds, wall))
            : null;
    }
}
