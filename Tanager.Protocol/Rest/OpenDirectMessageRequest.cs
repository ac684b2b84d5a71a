namespace Tanager.Protocol;

/// <summary>Body of <c>POST /workspaces/{id}/dms</c>.</summary>
public sealed record OpenDirectMessageRequest
{
    /// <summary>
    /// The other people, members of the workspace: one opens the direct message with them (the same one every time),
    /// two to eight open a new group direct message. The caller's own id may be included; it is ignored.
    /// </summary>
    public IReadOnlyList<string?>? UserIds { get; init; }
}
