namespace Tanager.Protocol;

/// <summary>
/// PRESENCE_UPDATE: a user's status across all their connections — <c>online</c>, <c>away</c>, <c>dnd</c> or
/// <c>offline</c>. As a client op, only <see cref="Status"/> is read (<c>online</c>, <c>away</c> or <c>dnd</c>).
/// </summary>
public sealed record PresenceData
{
    public string? WorkspaceId { get; init; }
    public string? UserId { get; init; }
    public required string Status { get; init; }
}
