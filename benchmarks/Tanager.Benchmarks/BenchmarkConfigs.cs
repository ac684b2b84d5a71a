using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Tanager.Benchmarks;

/// <summary>
/// Fan-out benchmarks: in-process (never rebuilds the referenced projects), a fixed number of invocations per iteration
/// so the per-connection queues (production limits: 2048 frames / 4 MiB) always have room until the iteration cleanup
/// drains them, and two derived columns: time and allocation per subscriber.
/// </summary>
public abstract class SubscriberQueueConfig : ManualConfig
{
    protected SubscriberQueueConfig(int invocationsPerIteration)
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            // An iteration of the smaller case takes ~25 ms: three warmups would end before tiered compilation has
            // promoted the path (its background delay is 100 ms), and the first case would be measured partly at tier 0.
            .WithWarmupCount(20)
            .WithIterationCount(15)
            .WithInvocationCount(invocationsPerIteration)
            .WithUnrollFactor(1)
            .WithId("InProcess"));
        AddColumn(new PerSubscriberColumn(allocation: false), new PerSubscriberColumn(allocation: true));
    }
}

/// <summary>
/// Shared frames: 256 events per iteration is 256 queue slots per connection (~110 KB of frames, one shared array per
/// event) and keeps a 1,000-subscriber iteration above ~20 ms.
/// </summary>
public sealed class FanOutConfig() : SubscriberQueueConfig(InvocationsPerIteration)
{
    public const int InvocationsPerIteration = 256;
}

/// <summary>
/// Per-recipient frames are distinct arrays that stay queued until the cleanup, so fewer events per iteration
/// (16 × 10,000 × ~0.9 KB ≈ 140 MB retained at most) keep the baseline from being dominated by heap growth.
/// </summary>
public sealed class NaiveFanOutConfig() : SubscriberQueueConfig(InvocationsPerIteration)
{
    public const int InvocationsPerIteration = 16;
}

/// <summary>Per-event fixed cost: in-process, short run, BenchmarkDotNet picks the invocation count.</summary>
public sealed class PerEventConfig : ManualConfig
{
    public PerEventConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(3)
            .WithIterationCount(10)
            .WithId("InProcess"));
    }
}

/// <summary>Mean or allocated bytes per operation divided by the <c>Subscribers</c> parameter.</summary>
internal sealed class PerSubscriberColumn(bool allocation) : IColumn
{
    public string Id => allocation ? "AllocPerSubscriber" : "NsPerSubscriber";
    public string ColumnName => allocation ? "Alloc/sub" : "ns/sub";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => allocation ? 1 : 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => allocation
        ? "Allocated bytes per operation / Subscribers (B)"
        : "Mean / Subscribers (ns)";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var subscribers = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Subscribers")?.Value as int?;
        var report = summary[benchmarkCase];
        if (subscribers is not > 0 || report?.ResultStatistics is null)
        {
            return "-";
        }
        if (allocation)
        {
            var bytes = report.GcStats.GetBytesAllocatedPerOperation(benchmarkCase);
            return bytes is null ? "-" : (bytes.Value / (double)subscribers.Value).ToString("0.00", CultureInfo.InvariantCulture) + " B";
        }
        return (report.ResultStatistics.Mean / subscribers.Value).ToString("0.0", CultureInfo.InvariantCulture) + " ns";
    }
}
