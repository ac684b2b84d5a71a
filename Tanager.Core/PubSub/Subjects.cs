using NUlid;

namespace Tanager;

/// <summary>Pub/sub subject names (ARCHITECTURE §3).</summary>
public static class Subjects
{
    public static string Channel(Ulid workspaceId, Ulid channelId) => $"ws.{workspaceId}.ch.{channelId}";
    public static string Workspace(Ulid workspaceId) => $"ws.{workspaceId}";
    public static string User(Ulid userId) => $"user.{userId}";

    /// <summary>
    /// Where a node that may have lost events (a publish that did not leave, a broken link to the broker) tells the other
    /// nodes, whose clients may have missed them too, to catch their sessions up from the store.
    /// </summary>
    public const string Resync = "tanager.resync";
}
