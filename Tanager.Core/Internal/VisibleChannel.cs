namespace Tanager.Internal;

internal readonly record struct VisibleChannel(Channel Channel, WorkspaceRole Role, bool IsMember);
