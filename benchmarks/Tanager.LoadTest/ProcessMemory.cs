using System.Globalization;

namespace Tanager.LoadTest;

/// <summary>Resident set size of a process from <c>/proc/PID/status</c> (<c>VmRSS</c>, in kB).</summary>
internal static class ProcessMemory
{
    public static long? TryReadRssBytes(int? pid)
    {
        if (pid is not { } id)
        {
            return null;
        }
        try
        {
            foreach (var line in File.ReadLines($"/proc/{id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var fields = line["VmRSS:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(fields[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        return null;
    }
}
