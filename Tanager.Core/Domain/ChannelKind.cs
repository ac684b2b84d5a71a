namespace Tanager;

public enum ChannelKind
{
    /// <summary>Visible to every non-guest member of the workspace, who may join it.</summary>
    Public = 0,
    /// <summary>Visible only to its members; joined by invitation.</summary>
    Private = 1,
    /// <summary>A direct message between two people: exactly one per pair in a workspace; seen only by the two.</summary>
    Direct = 2,
    /// <summary>A group direct message among three to nine people, seen only by them; nobody is added after it opens.</summary>
    Group = 3,
}
