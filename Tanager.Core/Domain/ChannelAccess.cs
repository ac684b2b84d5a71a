namespace Tanager;

/// <summary>
/// What one lookup tells about a user and a channel: the user's workspace role, the channel (null when it does not
/// exist in the workspace) and whether the user is a member of it.
/// </summary>
public sealed record ChannelAccess(WorkspaceRole Role, Channel? Channel, bool IsMember);
