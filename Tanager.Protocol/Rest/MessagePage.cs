namespace Tanager.Protocol;

/// <summary>A page of history or of changes, oldest first.</summary>
public sealed record MessagePage
{
    public required IReadOnlyList<MessageDto> Messages { get; init; }
    /// <summary>True when more messages lie beyond this page in the direction asked for.</summary>
    public required bool HasMore { get; init; }
    /// <summary>The channel's newest sequence number when the page was read.</summary>
    public required long LastSequence { get; init; }
}
