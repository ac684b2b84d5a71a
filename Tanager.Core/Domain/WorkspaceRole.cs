namespace Tanager;

/// <summary>A member's role in a workspace, strongest first.</summary>
public enum WorkspaceRole
{
    Owner = 0,
    Admin = 1,
    Member = 2,
    Guest = 3,
}
