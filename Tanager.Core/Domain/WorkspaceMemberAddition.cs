namespace Tanager;

/// <summary>
/// The outcome of adding someone to a workspace: either an invitation was sent (<see cref="Member"/> and <see cref="User"/>
/// are null, and nothing says whether an account exists), or, under <see cref="TanagerOptions.AllowDirectMemberAdd"/>,
/// the user named by id became a member.
/// </summary>
public sealed record WorkspaceMemberAddition(WorkspaceMember? Member, User? User)
{
    public static WorkspaceMemberAddition Invited { get; } = new(null, null);

    public bool IsInvitation => Member is null;
}
