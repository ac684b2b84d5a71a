namespace Tanager.Protocol;

public sealed record PostMessageRequest
{
    public string? Content { get; init; }
}
