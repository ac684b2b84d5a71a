using NUlid;

namespace Tanager;

/// <summary>Full-text search over messages, behind its own seam so a dedicated engine can replace the database's.</summary>
public interface ISearchStore
{
    /// <summary>
    /// Live (not deleted) messages of the workspace that satisfy <paramref name="search"/>: in one of its channels (the
    /// caller has already narrowed them to those the user may read), by one of its authors when any are given, inside its
    /// time bounds and thread filter, and matching every word of its text. With text: best match first (ties newest
    /// first); without text: newest first (created_at, then id). At most <see cref="MessageSearch.Limit"/> messages.
    /// </summary>
    ValueTask<IReadOnlyList<Message>> SearchAsync(Ulid workspaceId, MessageSearch search, CancellationToken cancellationToken = default);
}
