namespace Tanager.Tests.Infrastructure;

/// <summary>Tests that read process-wide measurements (metrics, memory) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial";
}
