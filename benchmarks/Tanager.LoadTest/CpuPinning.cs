using System.Diagnostics;
using System.Globalization;

namespace Tanager.LoadTest;

/// <summary>
/// <c>--pin</c>: servers the tool starts run under <c>taskset -c 0</c>, and the load tool itself runs on every other
/// core it is allowed, so the server measured never competes with the load generator for a core. The tool pins
/// itself by re-running its own command line under <c>taskset</c>: affinity set from inside .NET would only apply to
/// the calling thread (the runtime's GC and thread-pool threads already exist), while a process started under
/// taskset has every thread on the given cores and a runtime that sizes itself (ProcessorCount, GC heaps) to them.
/// </summary>
internal static class CpuPinning
{
    /// <summary>The core servers are pinned to.</summary>
    public const int ServerCore = 0;

    // Set in the re-run child, so a child that still finds itself on the server core fails instead of re-running again.
    private const string PinnedVariable = "TANAGER_LOADTEST_PINNED";

    /// <summary>Full path of <c>taskset</c> on PATH (util-linux), or null.</summary>
    public static string? FindTaskset()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "taskset"))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Cores <paramref name="pid"/> may run on (Cpus_allowed_list of /proc/&lt;pid&gt;/status), or null.</summary>
    public static string? AllowedCoreList(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status")
                .FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
            return line?["Cpus_allowed_list:".Length..].Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Makes sure this process runs off <see cref="ServerCore"/>. Returns null when it already does (go on), or the
    /// exit code to return: that of the pinned re-run, or 2 when pinning is impossible here.
    /// </summary>
    public static async Task<int?> EnsureClientPinnedAsync(string[] commandLine, TextWriter log, CancellationToken cancellationToken)
    {
        var taskset = FindTaskset();
        if (taskset is null)
        {
            await log.WriteLineAsync("--pin needs taskset (Debian: util-linux) on PATH.");
            return 2;
        }
        var allowedList = AllowedCoreList(Environment.ProcessId);
        if (allowedList is null || ParseCoreList(allowedList) is not { } allowed)
        {
            await log.WriteLineAsync("--pin needs Linux (/proc/self/status with Cpus_allowed_list).");
            return 2;
        }
        if (!allowed.Contains(ServerCore))
        {
            await log.WriteLineAsync($"pinned: load tool on cores {allowedList}, servers it starts on core {ServerCore}");
            return null;
        }
        var clientCores = allowed.Where(core => core != ServerCore).ToList();
        if (clientCores.Count == 0 || Environment.GetEnvironmentVariable(PinnedVariable) is not null)
        {
            await log.WriteLineAsync($"--pin needs a core besides {ServerCore} for the load tool; this process may use cores {allowedList}.");
            return 2;
        }

        var cores = string.Join(',', clientCores.Select(core => core.ToString(CultureInfo.InvariantCulture)));
        var startInfo = new ProcessStartInfo(taskset) { UseShellExecute = false };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(cores);
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        startInfo.ArgumentList.Add(host);
        // Run as `dotnet Tanager.LoadTest.dll …` the host needs the assembly; run as the apphost it does not.
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            startInfo.ArgumentList.Add(typeof(CpuPinning).Assembly.Location);
        }
        foreach (var argument in commandLine)
        {
            startInfo.ArgumentList.Add(argument);
        }
        startInfo.Environment[PinnedVariable] = "1";
        await log.WriteLineAsync($"re-running the load tool under taskset -c {cores}");
        // Standard streams are inherited: the child's table goes straight to this process's stdout.
        using var child = Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start taskset.");
        try
        {
            await child.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The child got the same Ctrl+C and cleans up its servers; this only stops a child that did not.
            child.Kill(entireProcessTree: true);
            throw;
        }
        return child.ExitCode;
    }

    /// <summary>Parses a Linux CPU list such as "0-3,6"; null if it is not one.</summary>
    private static HashSet<int>? ParseCoreList(string list)
    {
        var cores = new HashSet<int>();
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-');
            if (range.Length is < 1 or > 2
                || !int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                || !int.TryParse(range[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                || last < first || last - first > 4096)
            {
                return null;
            }
            for (var core = first; core <= last; core++)
            {
                cores.Add(core);
            }
        }
        return cores.Count > 0 ? cores : null;
    }
}
