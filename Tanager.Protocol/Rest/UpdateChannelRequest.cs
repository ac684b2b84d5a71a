namespace Tanager.Protocol;

/// <summary>Changes a channel; absent members stay as they are, an empty topic or description removes it.</summary>
public sealed record UpdateChannelRequest
{
    public string? Name { get; init; }
    public string? Topic { get; init; }
    public string? Description { get; init; }
}
