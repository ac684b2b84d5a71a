namespace Tanager;

/// <summary>
/// What a member may do, as bits (in the spirit of seed 001). A workspace role grants a set
/// (<see cref="Permissions.ForRole"/>); a channel may allow or deny bits per role (<see cref="ChannelOverride"/>).
/// docs/permissions.md is the table of roles × actions built from these.
/// </summary>
[Flags]
#pragma warning disable CA1711 // "Permission" is the domain word, not a flags-enum suffix.
public enum Permission : long
#pragma warning restore CA1711
{
    None = 0,
    /// <summary>See the workspace's public channels, read and join them. Guests lack it: they see only channels they were added to.</summary>
    ViewChannels = 1L << 0,
    /// <summary>Post (and edit one's own) messages in channels one is a member of.</summary>
    SendMessages = 1L << 1,
    /// <summary>Delete anyone's messages; pin and unpin.</summary>
    ManageMessages = 1L << 2,
    AddReactions = 1L << 3,
    /// <summary>Notify a whole channel with @channel or @here.</summary>
    MentionEveryone = 1L << 4,
    CreateChannels = 1L << 5,
    /// <summary>Add people to channels one is a member of.</summary>
    AddChannelMembers = 1L << 6,
    /// <summary>Remove others from channels.</summary>
    KickMembers = 1L << 7,
    /// <summary>Rename, set the topic, archive, delete channels, and set their overrides.</summary>
    ManageChannels = 1L << 8,
    /// <summary>Invite links, workspace members and their roles, the workspace's name.</summary>
    ManageWorkspace = 1L << 9,
    /// <summary>Every permission; channel overrides cannot deny it.</summary>
    Administrator = 1L << 10,
}

/// <summary>A channel's change to what one role may do there: <see cref="Allow"/> is added, <see cref="Deny"/> removed (deny wins).</summary>
public sealed record ChannelOverride(WorkspaceRole Role, Permission Allow, Permission Deny);
