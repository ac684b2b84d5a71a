using System.Diagnostics;
using System.Globalization;

namespace Tanager.Server.DataMigration;

/// <summary>
/// Rows copied per table on standard error: a bar redrawn in place on a terminal (at most ten times a second), a line per
/// table and one every five seconds when standard error goes to a file or a pipe. Standard output keeps the result alone.
/// </summary>
internal sealed class ProgressBar(TextWriter output, bool interactive)
{
    private const int Width = 30;
    private long _lastDrawn = Stopwatch.GetTimestamp();

    public void Report(string table, long done, long total, bool finished)
    {
        var now = Stopwatch.GetTimestamp();
        if (!finished && !(interactive && done == 0) && Stopwatch.GetElapsedTime(_lastDrawn, now) < (interactive ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(5)))
        {
            return;
        }
        _lastDrawn = now;
        var fraction = total == 0 ? 1 : Math.Min(1, (double)done / total);
        var filled = (int)Math.Round(fraction * Width);
        var line = string.Create(CultureInfo.InvariantCulture, $"  {table,-26} [{new string('#', filled)}{new string('-', Width - filled)}] {done,10:N0} / {total:N0}");
        if (interactive)
        {
            output.Write('\r' + line + (finished ? Environment.NewLine : ""));
        }
        else
        {
            output.WriteLine(line);
        }
        output.Flush();
    }
}
