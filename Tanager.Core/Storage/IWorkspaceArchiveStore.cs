using NUlid;

namespace Tanager;

/// <summary>
/// Reads and writes a whole workspace row by row, for <c>tanager admin export</c> and <c>import</c>: the rows of
/// <see cref="WorkspaceArchive.Tables"/> exactly as stored (ids, times, sequence numbers), with nothing recomputed.
/// </summary>
public interface IWorkspaceArchiveStore
{
    /// <summary>
    /// Every row of the workspace, table by table in <see cref="WorkspaceArchive.Tables"/> order, each table's rows in
    /// key order: first the users the workspace refers to (see <see cref="ArchiveTable.UserColumns"/>) and the owners of
    /// those that are bots, then the workspace and its rows. Nothing when there is no such workspace.
    /// </summary>
    IAsyncEnumerable<ArchiveRecord> ReadArchiveAsync(Ulid workspaceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the rows of one workspace in one transaction, all or nothing. A user whose id is stored already is kept as
    /// stored; a new one gets no password (empty hash) and no server-administrator role. A webhook gets a random token
    /// hash (its token is not archived), a slash command a random secret. Rows are written in <see cref="WorkspaceArchive.Tables"/> order.
    /// </summary>
    ValueTask<ArchiveWriteResult> WriteArchiveAsync(Ulid workspaceId, IReadOnlyList<ArchiveRecord> records, CancellationToken cancellationToken = default);
}
