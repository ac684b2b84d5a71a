namespace Tanager;

public enum ChannelKind
{
    /// <summary>Visible to every non-guest member of the workspace, who may join it.</summary>
    Public = 0,
    /// <summary>Visible only to its members; joined by invitation.</summary>
    Private = 1,
}
