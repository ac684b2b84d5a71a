using System.Globalization;
using System.Text.Json;

namespace Tanager.Tests.Infrastructure;

/// <summary>
/// A <c>/metrics</c> scrape read by a parser we did not write: npm's parse-prometheus-text-format (tests/interop,
/// installed by .ci/run's npm ci), whose prom2json-style output this wraps.
/// </summary>
internal sealed class PrometheusScrape
{
    private readonly Dictionary<string, JsonElement> _families;

    private PrometheusScrape(string text, JsonDocument parsed)
    {
        Text = text;
        _families = parsed.RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.Clone(), StringComparer.Ordinal);
    }

    public string Text { get; }

    public IReadOnlyCollection<string> Names => _families.Keys;

    public static async Task<PrometheusScrape> GetAsync(HttpClient http, Uri url)
    {
        var interop = Path.Combine(Repository.Root, "tests", "interop");
        if (!Directory.Exists(Path.Combine(interop, "node_modules", "parse-prometheus-text-format")))
        {
            throw new InvalidOperationException($"parse-prometheus-text-format is not installed in {interop}: run 'npm ci' there (.ci/run does).");
        }
        var text = await http.GetStringAsync(url);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, text);
            await using var node = ChildProcess.Start("node", [Path.Combine(interop, "prometheus-parse.mjs"), file]);
            await node.WaitForExitAsync();
            if (node.ExitCode != 0)
            {
                throw new InvalidOperationException($"The parser rejected the scrape ({node.ExitCode}): {node.Errors}\n{text}");
            }
            return new PrometheusScrape(text, JsonDocument.Parse(string.Concat(node.Lines)));
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The family's type as the parser read it from <c># TYPE</c> (COUNTER, GAUGE, HISTOGRAM), or null when absent.</summary>
    public string? TypeOf(string name) => _families.TryGetValue(name, out var family) ? family.GetProperty("type").GetString() : null;

    /// <summary>The sum of a counter's or gauge's samples over all label sets; null when the family is absent.</summary>
    public double? Value(string name) =>
        _families.TryGetValue(name, out var family) ? family.GetProperty("metrics").EnumerateArray().Sum(m => Number(m.GetProperty("value"))) : null;

    /// <summary>
    /// A histogram's buckets (upper bound, cumulative count) and its count, read from the <c>+Inf</c> bucket: the parser
    /// (1.1.1) keeps <c>_sum</c> and <c>_count</c> only for histograms whose one label is <c>le</c>, and OpenTelemetry's
    /// exporter labels every series with <c>otel_scope_name</c>. In the text format the <c>+Inf</c> bucket is the count.
    /// </summary>
    public (IReadOnlyList<(string Le, double Count)> Buckets, double Count) Histogram(string name)
    {
        var metrics = _families[name].GetProperty("metrics").EnumerateArray().ToList();
        if (_families[name].GetProperty("type").GetString() != "HISTOGRAM" || metrics.Count != 1 || !metrics[0].TryGetProperty("buckets", out var parsed))
        {
            throw new InvalidOperationException($"{name} is not one histogram as parsed: {_families[name]}");
        }
        var buckets = parsed.EnumerateObject().Select(b => (b.Name, Number(b.Value))).ToList();
        return (buckets, buckets.Single(b => b.Name == "+Inf").Item2);
    }

    private static double Number(JsonElement value) => value.ValueKind == JsonValueKind.Number
        ? value.GetDouble()
        : double.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
}
