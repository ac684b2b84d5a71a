namespace Tanager.Tests.Infrastructure;

/// <summary>
/// Tests that read process-wide measurements (metrics, memory) run alone, and so do the fuzz suites, which keep every
/// core busy for a minute and would starve tests that wait on timers of their own (a balancer's health checks).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial";
}
