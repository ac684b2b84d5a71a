using NUlid;

namespace Tanager;

/// <summary>Full-text search over messages, behind its own seam so a dedicated engine can replace the database's.</summary>
public interface ISearchStore
{
    /// <summary>
    /// Live (not deleted) messages of <paramref name="channelIds"/> in the workspace that match every word of
    /// <paramref name="query"/>, best match first. The caller has already narrowed the channels to those the user may read.
    /// </summary>
    ValueTask<IReadOnlyList<Message>> SearchAsync(Ulid workspaceId, IReadOnlyCollection<Ulid> channelIds, string query, int limit, CancellationToken cancellationToken = default);
}
