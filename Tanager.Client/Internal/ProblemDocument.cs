namespace Tanager.Client.Internal;

internal sealed record ProblemDocument
{
    public string? Code { get; init; }
    public string? Title { get; init; }
    public string? Detail { get; init; }
}
