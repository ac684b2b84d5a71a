namespace Tanager.Protocol;

/// <summary>Search hits, best first.</summary>
public sealed record SearchResults
{
    public required IReadOnlyList<MessageDto> Messages { get; init; }
}
