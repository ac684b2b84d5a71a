using System.Globalization;
using System.Text;

namespace Tanager.LoadTest;

/// <summary>One line of the results table.</summary>
internal sealed record RunResult
{
    public required string Target { get; init; }
    public required string Mode { get; init; }
    /// <summary>Channels (groups) the subscribers were spread over; each message reached one channel's subscribers.</summary>
    public int Channels { get; init; } = 1;
    public int Subscribers { get; init; }
    public int RequestedSubscribers { get; init; }
    public long Published { get; init; }
    public long PublishFailures { get; init; }
    public long Expected { get; init; }
    public long Received { get; init; }
    public double DeliveriesPerSecond { get; init; }
    public double P50Ms { get; init; }
    public double P99Ms { get; init; }
    public double MaxMs { get; init; }
    public int LostSubscribers { get; init; }
    /// <summary>Publisher rate in messages/s; 0 is saturation.</summary>
    public int Rate { get; init; }
    /// <summary>Server process CPU over the measured phase; null when the server was given by URL.</summary>
    public CpuSample? ServerCpu { get; init; }
    /// <summary>This load tool's CPU over the measured phase.</summary>
    public CpuSample? ClientCpu { get; init; }
    /// <summary>Whole-machine busy time over the measured phase (all processes, all cores).</summary>
    public CpuSample? MachineCpu { get; init; }
    /// <summary>Time the hypervisor ran something else while this VM wanted a core, over the measured phase.</summary>
    public CpuSample? StealCpu { get; init; }
    /// <summary>Server CPU (% of one core) with all subscribers connected and nothing published.</summary>
    public double? ServerIdleCpuPercent { get; init; }
    /// <summary>
    /// With <c>--stall-one</c>: whether the stalled subscriber, after reconnecting, had every message of its channel
    /// published in the phase exactly once; null without a stalled subscriber.
    /// </summary>
    public bool? StalledSubscriberComplete { get; init; }
    public string? Note { get; init; }
    /// <summary>False for a target that was skipped or failed before it measured anything.</summary>
    public bool Measured { get; init; } = true;

    public const string FailedMode = "failed";

    public static RunResult Skipped(string target, string reason) => new() { Target = target, Mode = "skipped", Note = reason, Measured = false };

    public static RunResult Failed(string target, string error) => new() { Target = target, Mode = FailedMode, Note = error, Measured = false };
}

internal static class MarkdownReport
{
    public static string Render(IReadOnlyList<RunResult> results, IEnumerable<string> notes)
    {
        var culture = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("| target | mode | channels | subscribers | deliveries/s | p50 ms | p99 ms | max ms | lost | server CPU % | server CPU µs/delivery | client CPU % | other CPU % |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            if (!r.Measured)
            {
                text.AppendLine(culture, $"| {r.Target} | {r.Mode} | - | - | - | - | - | - | - | - | - | - | - |");
                continue;
            }
            var subscribers = r.Subscribers == r.RequestedSubscribers
                ? r.Subscribers.ToString(culture)
                : string.Create(culture, $"{r.Subscribers}/{r.RequestedSubscribers}");
            var serverPercent = r.ServerCpu is { } server ? server.PercentOfOneCore.ToString("F0", culture) : "n/a";
            var serverMicros = r.ServerCpu is { } perDelivery && r.Received > 0 ? perDelivery.MicrosPer(r.Received).ToString("F2", culture) : "n/a";
            var clientPercent = r.ClientCpu is { } client ? client.PercentOfOneCore.ToString("F0", culture) : "n/a";
            text.AppendLine(culture, $"| {r.Target} | {r.Mode} | {r.Channels} | {subscribers} | {r.DeliveriesPerSecond:N0} | {r.P50Ms:F2} | {r.P99Ms:F2} | {r.MaxMs:F2} | {r.Expected - r.Received:N0} | {serverPercent} | {serverMicros} | {clientPercent} | {OtherPercent(r)} |");
        }
        text.AppendLine();
        foreach (var r in results)
        {
            if (!r.Measured)
            {
                text.AppendLine(culture, $"- {r.Target} {r.Mode}: {r.Note}");
                continue;
            }
            var line = string.Create(culture, $"- {r.Target} {r.Mode}: published {r.Published:N0}, expected {r.Expected:N0} deliveries, received {r.Received:N0}")
                // Round-robin over the channels: each channel gets rate/N messages/s, each reaching its subscribers.
                + (r.Rate > 0 ? string.Create(culture, $", offered {(double)r.Rate * r.Subscribers / r.Channels:N0} deliveries/s") : string.Empty)
                + (r.ServerIdleCpuPercent is { } idle ? string.Create(culture, $", server idle {idle:F1} % CPU") : string.Empty)
                + (r.ClientCpu is { } client && r.Received > 0 ? string.Create(culture, $", client {client.MicrosPer(r.Received):F2} µs/delivery") : string.Empty)
                + (r.MachineCpu is { } machine ? string.Create(culture, $", machine busy {machine.PercentOfOneCore:F0} % of {MachineCpu.CoreCount * 100} %") : string.Empty)
                + (r.StealCpu is { } steal && steal.PercentOfOneCore >= 1 ? string.Create(culture, $", steal {steal.PercentOfOneCore:F0} %") : string.Empty)
                + (r.PublishFailures > 0 ? string.Create(culture, $", {r.PublishFailures:N0} publishes failed") : string.Empty)
                + (r.LostSubscribers > 0 ? string.Create(culture, $", {r.LostSubscribers} subscribers disconnected (by the server, or a stalled one closed after its check)") : string.Empty)
                + (r.Note is null ? string.Empty : $". {r.Note}");
            text.AppendLine(line);
        }
        foreach (var note in notes)
        {
            text.AppendLine(culture, $"- {note}");
        }
        return text.ToString();
    }

    /// <summary>
    /// Machine busy time not charged to the server or this tool, in % of one core: other processes (a build, a test
    /// run) and kernel time charged to no process. "n/a" when the server's CPU is unknown.
    /// </summary>
    private static string OtherPercent(RunResult r) =>
        r.MachineCpu is { } machine && r.ServerCpu is { } server && r.ClientCpu is { } client
            ? Math.Max(0, machine.PercentOfOneCore - server.PercentOfOneCore - client.PercentOfOneCore).ToString("F0", CultureInfo.InvariantCulture)
            : "n/a";
}
