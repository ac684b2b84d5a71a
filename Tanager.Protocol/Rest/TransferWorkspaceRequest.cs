namespace Tanager.Protocol;

public sealed record TransferWorkspaceRequest
{
    /// <summary>The member who becomes the owner; the current owner becomes an admin.</summary>
    public string? UserId { get; init; }
}
