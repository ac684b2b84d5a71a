namespace Tanager.Protocol;

public sealed record UpdateWorkspaceMemberRequest
{
    /// <summary>admin, member or guest.</summary>
    public string? Role { get; init; }
}
