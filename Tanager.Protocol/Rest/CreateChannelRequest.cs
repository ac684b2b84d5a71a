namespace Tanager.Protocol;

public sealed record CreateChannelRequest
{
    public string? Name { get; init; }
    /// <summary>public (default) or private.</summary>
    public string? Kind { get; init; }
    public string? Topic { get; init; }
}
