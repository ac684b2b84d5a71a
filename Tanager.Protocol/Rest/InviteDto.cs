namespace Tanager.Protocol;

/// <summary>An invite link. <see cref="Code"/> is present only in the answer to its creation: the server keeps just a hash.</summary>
public sealed record InviteDto
{
    public required string Id { get; init; }
    public required string WorkspaceId { get; init; }
    public string? Code { get; init; }
    public required string Role { get; init; }
    public required string CreatedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public int? MaxUses { get; init; }
    public required int Uses { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
}
