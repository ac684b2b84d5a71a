namespace Tanager.Protocol;

/// <summary>A channel's change to one role's permissions: <see cref="Allow"/> is added, <see cref="Deny"/> removed (deny wins). Names are snake_case.</summary>
public sealed record ChannelOverrideDto
{
    /// <summary>member or guest.</summary>
    public required string Role { get; init; }
    public required IReadOnlyList<string> Allow { get; init; }
    public required IReadOnlyList<string> Deny { get; init; }
}
