namespace Tanager.Protocol;

/// <summary>Payload of the ERROR op.</summary>
public sealed record ErrorData
{
    public required string Code { get; init; }
    public required string Message { get; init; }
}
