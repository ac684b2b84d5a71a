namespace Tanager;

/// <summary>A table of a workspace archive: what its records are called in an export and which of the store's columns they hold.</summary>
public sealed class ArchiveTable
{
    internal ArchiveTable(string type, string name, string? scopeColumn, string[] keyColumns, string[] userColumns, ArchiveColumn[] columns)
    {
        Type = type;
        Name = name;
        ScopeColumn = scopeColumn;
        KeyColumns = keyColumns;
        UserColumns = userColumns;
        Columns = columns;
    }

    /// <summary>The <c>type</c> of its records in an export, e.g. <c>message</c>.</summary>
    public string Type { get; }

    /// <summary>The store's table, e.g. <c>messages</c>.</summary>
    public string Name { get; }

    /// <summary>The column that holds the workspace id; null for users, who are global and archived when referred to.</summary>
    public string? ScopeColumn { get; }

    /// <summary>The columns that identify a row, in the order rows are read.</summary>
    public IReadOnlyList<string> KeyColumns { get; }

    /// <summary>The columns that refer to users (whom the archive then carries).</summary>
    public IReadOnlyList<string> UserColumns { get; }

    /// <summary>The archived columns, in order. Secrets (password hashes, token hashes) are never among them.</summary>
    public IReadOnlyList<ArchiveColumn> Columns { get; }

    /// <summary>
    /// The statement that reads this table's archived rows of one workspace, in key order, for any SQL store:
    /// <paramref name="workspaceParameter"/> is the store's placeholder for the workspace id (<c>$w</c>, <c>$1</c>). Users,
    /// who are global, are those any workspace row refers to, and the owners of those that are bots.
    /// </summary>
    public string SelectStatement(string workspaceParameter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workspaceParameter);
        string where;
        if (ScopeColumn is { } scope)
        {
            where = $"{scope} = {workspaceParameter}";
        }
        else
        {
            var referenced = string.Join(" UNION ", WorkspaceArchive.WorkspaceTables.SelectMany(t => t.UserColumns.Select(c => $"SELECT {c} FROM {t.Name} WHERE {t.ScopeColumn} = {workspaceParameter}")));
            where = $"id IN ({referenced}) OR id IN (SELECT owner_id FROM users WHERE id IN ({referenced}))";
        }
        return $"SELECT {string.Join(", ", Columns.Select(c => c.Name))} FROM {Name} WHERE {where} ORDER BY {string.Join(", ", KeyColumns)}";
    }

    /// <summary>The position of <paramref name="column"/> in <see cref="Columns"/>.</summary>
    public int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i].Name == column)
            {
                return i;
            }
        }
        throw new ArgumentException($"{Name} has no archived column {column}.", nameof(column));
    }
}
