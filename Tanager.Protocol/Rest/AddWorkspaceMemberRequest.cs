namespace Tanager.Protocol;

/// <summary>Adds an existing user to a workspace, named by <see cref="UserId"/> or <see cref="Email"/> (exactly one).</summary>
public sealed record AddWorkspaceMemberRequest
{
    public string? UserId { get; init; }
    public string? Email { get; init; }
    /// <summary>admin, member or guest; member when absent.</summary>
    public string? Role { get; init; }
}
