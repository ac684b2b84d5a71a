namespace Tanager.Protocol;

/// <summary>A workspace as the caller sees it; <see cref="Role"/> is the caller's role in it (absent in WORKSPACE_UPDATE, which goes to every member).</summary>
public sealed record WorkspaceDto
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string OwnerId { get; init; }
    public string? Role { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
