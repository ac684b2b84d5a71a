namespace Tanager.Protocol;

public sealed record IdentifyData
{
    public string? Token { get; init; }
}
