namespace Tanager.Protocol;

public sealed record CreateWorkspaceRequest
{
    public string? Name { get; init; }
}
