namespace Tanager;

/// <summary>What a conditional channel update did.</summary>
public enum ChannelUpdateResult
{
    Updated = 0,
    /// <summary>Another channel of the workspace has the new name.</summary>
    NameTaken = 1,
    /// <summary>The channel changed (or was deleted) since it was read: read it again and retry.</summary>
    Stale = 2,
}
