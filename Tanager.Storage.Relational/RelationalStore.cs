using System.Data.Common;
using Tanager.Storage.Relational.Internal;

namespace Tanager.Storage.Relational;

/// <summary>
/// What Tanager's two SQL stores share: every storage operation that is not a hot statement, written once as a linq2db
/// query and run in the store's dialect. <c>SqliteStore</c> and <c>PostgresStore</c> derive from it and add their
/// hot statements (the group-commit append, the send path's reads, full-text search); nothing else derives from it.
/// </summary>
public abstract partial class RelationalStore
{
    private protected RelationalStore(SqlDialect dialect)
    {
        Database = RelationalDatabase.For(dialect, OpenConnectionAsync);
        Rows = new StoredRows(dialect);
    }

    private protected RelationalDatabase Database { get; }

    /// <summary>The column lists and row readers of the statements each store writes by hand.</summary>
    private protected StoredRows Rows { get; }

    /// <summary>An open connection of the store's own (SQLite with its pragmas, PostgreSQL from its data source), closed by the caller.</summary>
    private protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);
}
