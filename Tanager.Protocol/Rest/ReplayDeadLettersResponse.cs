namespace Tanager.Protocol;

/// <summary>How many dead letters were queued again.</summary>
public sealed record ReplayDeadLettersResponse
{
    public required int Replayed { get; init; }
}
