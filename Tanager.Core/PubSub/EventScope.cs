namespace Tanager;

/// <summary>Whom an event is for, and so which subject carries it.</summary>
public enum EventScope : byte
{
    /// <summary>Nodes talking among themselves (presence words, resync): never sent to a client.</summary>
    Node = 0,
    /// <summary>The members of one channel (<c>ws.{w}.ch.{c}</c>).</summary>
    Channel = 1,
    /// <summary>The members of one workspace (<c>ws.{w}</c>), narrowed by <see cref="EventHeader.Roles"/>.</summary>
    Workspace = 2,
    /// <summary>Every connection of one user (<c>user.{u}</c>).</summary>
    User = 3,
}

/// <summary>Workspace roles, as a set: who receives a workspace event about a channel besides the channel's members.</summary>
[Flags]
public enum RoleSet : byte
{
    None = 0,
    Owner = 1 << WorkspaceRole.Owner,
    Admin = 1 << WorkspaceRole.Admin,
    Member = 1 << WorkspaceRole.Member,
    Guest = 1 << WorkspaceRole.Guest,
    All = Owner | Admin | Member | Guest,
}

/// <summary>What the connections of the addressed user change on receiving a user-scope event, decided by its publisher.</summary>
public enum SessionControl : byte
{
    None = 0,
    /// <summary>The user joined workspace <see cref="EventHeader.WorkspaceId"/> with <see cref="EventHeader.Role"/>: follow it.</summary>
    WorkspaceJoined = 1,
    /// <summary>The user's role in the workspace is now <see cref="EventHeader.Role"/>.</summary>
    WorkspaceRoleChanged = 2,
    /// <summary>The user left (or was removed from) the workspace: stop following it and its channels.</summary>
    WorkspaceLeft = 3,
    /// <summary>The user joined channel <see cref="EventHeader.ChannelId"/>: follow it.</summary>
    ChannelJoined = 4,
    /// <summary>The user left the channel, or it was deleted, or the user may no longer see it: stop following it.</summary>
    ChannelLeft = 5,
    /// <summary>Credentials of the user were revoked: <see cref="EventHeader.Credentials"/>, or all of them when empty.</summary>
    Revoked = 6,
}
