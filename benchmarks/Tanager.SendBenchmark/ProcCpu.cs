using System.Globalization;

namespace Tanager.SendBenchmark;

/// <summary>CPU time from /proc: one process, every process of a name, or the whole machine. Linux only; null elsewhere.</summary>
internal static class ProcCpu
{
    /// <summary>USER_HZ. Linux reports /proc times in these ticks; it is 100 on every mainstream distribution and architecture.</summary>
    public const double TicksPerSecond = 100;

    /// <summary>utime + stime of <paramref name="pid"/> in clock ticks, or null when it cannot be read.</summary>
    public static long? ProcessTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // The command name (field 2) may hold spaces and parentheses: parse after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state); utime is field 14, stime field 15.
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The number of threads of <paramref name="pid"/> (/proc/&lt;pid&gt;/status), or null.</summary>
    public static int? Threads(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status").FirstOrDefault(l => l.StartsWith("Threads:", StringComparison.Ordinal));
            return line is null ? null : int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Sum of utime + stime, in ticks, over the processes whose /proc/&lt;pid&gt;/comm is <paramref name="comm"/>, and how many there were.</summary>
    public static (long Ticks, int Processes) TicksByName(string comm)
    {
        long ticks = 0;
        var count = 0;
        if (!Directory.Exists("/proc"))
        {
            return (0, 0);
        }
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(directory);
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                if (File.ReadAllText(Path.Combine(directory, "comm")).TrimEnd('\n') != comm)
                {
                    continue;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // exited between listing and reading
            }
            if (ProcessTicks(pid) is { } t)
            {
                ticks += t;
                count++;
            }
        }
        return (ticks, count);
    }

    /// <summary>The aggregate "cpu" line of /proc/stat: total ticks, busy ticks (not idle, not iowait) and iowait ticks.</summary>
    public static MachineTicks? Machine()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
            var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal
            var total = values.Sum();
            var idle = values[3];
            var iowait = values[4];
            return new MachineTicks(total, total - idle - iowait, iowait);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}

internal readonly record struct MachineTicks(long Total, long Busy, long IoWait);
