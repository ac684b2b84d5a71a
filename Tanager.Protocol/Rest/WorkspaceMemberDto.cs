namespace Tanager.Protocol;

public sealed record WorkspaceMemberDto
{
    public required string WorkspaceId { get; init; }
    public required UserDto User { get; init; }
    public required string Role { get; init; }
    public required DateTimeOffset JoinedAt { get; init; }
}
