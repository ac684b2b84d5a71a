namespace Tanager.Protocol;

public sealed record EditMessageRequest
{
    /// <summary>The new content: same rules as when posting.</summary>
    public string? Content { get; init; }
}
