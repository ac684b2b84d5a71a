using System.Text;

namespace Tanager.LoadTest;

/// <summary>
/// <c>--scrape-metrics</c>: reads Tanager's <c>/metrics</c> after the runs and keeps the series that say what the run did
/// to the server (deliveries, slow-consumer drops, send latency buckets, group-commit sizes, store timings, catch-ups).
/// </summary>
internal static class MetricsScrape
{
    private static readonly string[] Families =
    [
        "tanager_gateway_deliveries_total", "tanager_gateway_frames_sent_total", "tanager_gateway_slow_consumers_total",
        "tanager_gateway_sessions", "tanager_send_duration_seconds", "tanager_send_batch_size",
        "tanager_store_append_duration_seconds", "tanager_catch_up_reads_total", "tanager_catch_up_changes_total",
    ];

    /// <summary>
    /// For a server this tool starts: serve /metrics at <paramref name="url"/>'s address (the child inherits the variable),
    /// unless the caller set <c>TANAGER_Metrics__Listen</c> already.
    /// </summary>
    public static void ServeAt(Uri url)
    {
        if (Environment.GetEnvironmentVariable("TANAGER_Metrics__Listen") is null)
        {
            Environment.SetEnvironmentVariable("TANAGER_Metrics__Listen", url.GetLeftPart(UriPartial.Authority));
        }
    }

    /// <summary>The kept series as a Markdown section, or a line saying why there are none.</summary>
    public static async Task<string> ReadAsync(Uri url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string text;
        try
        {
            text = await http.GetStringAsync(url, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            return $"\n/metrics: could not scrape {url}: {exception.Message}\n";
        }
        var kept = new StringBuilder();
        foreach (var line in text.Split('\n'))
        {
            var name = line.Split('{', ' ')[0];
            if (!line.StartsWith('#') && Families.Any(f => name == f || name.StartsWith(f + "_", StringComparison.Ordinal)))
            {
                kept.Append(line).Append('\n');
            }
        }
        return $"\n### /metrics after the run ({url})\n\n```\n{kept}```\n";
    }
}
