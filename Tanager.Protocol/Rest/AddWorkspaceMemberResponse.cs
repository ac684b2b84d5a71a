namespace Tanager.Protocol;

/// <summary>
/// What adding someone to a workspace did. The server answers 202 with <c>{"status":"invited"}</c> (the same whether or
/// not the address has an account), or, when it allows direct adds by <c>user_id</c>, 201 with the new member, which
/// <c>Tanager.Client</c> shows as <see cref="StatusAdded"/> with <see cref="Member"/> set.
/// </summary>
public sealed record AddWorkspaceMemberResponse
{
    public const string StatusInvited = "invited";
    public const string StatusAdded = "added";

    /// <summary><see cref="StatusInvited"/> or <see cref="StatusAdded"/>.</summary>
    public required string Status { get; init; }
    /// <summary>The new member, when <see cref="Status"/> is <see cref="StatusAdded"/>.</summary>
    public WorkspaceMemberDto? Member { get; init; }
}
