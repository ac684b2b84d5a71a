namespace Tanager.Protocol;

public sealed record UpdateWorkspaceRequest
{
    public string? Name { get; init; }
}
