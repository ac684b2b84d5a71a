namespace Tanager.Protocol;

/// <summary>The permissions (snake_case names) a role gains and loses in one channel.</summary>
public sealed record SetChannelOverrideRequest
{
    public IReadOnlyList<string>? Allow { get; init; }
    public IReadOnlyList<string>? Deny { get; init; }
}
