using NUlid;

namespace Tanager;

/// <summary>Pub/sub subject names (ARCHITECTURE §3).</summary>
public static class Subjects
{
    public static string Channel(Ulid workspaceId, Ulid channelId) => $"ws.{workspaceId}.ch.{channelId}";
    public static string Workspace(Ulid workspaceId) => $"ws.{workspaceId}";
    public static string User(Ulid userId) => $"user.{userId}";
}
