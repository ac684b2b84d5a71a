using Npgsql;

namespace Tanager.Server.DataMigration;

/// <summary>How a column's values are carried: the PostgreSQL type decides, the SQLite store's encoding is known for each.</summary>
internal enum ColumnKind
{
    /// <summary>uuid; SQLite keeps the 16 bytes of the ULID.</summary>
    Uuid,

    /// <summary>timestamptz; SQLite keeps UTC ticks (100 ns), PostgreSQL microseconds.</summary>
    Time,

    /// <summary>boolean; SQLite keeps 0 or 1.</summary>
    Boolean,
    Int16,
    Int32,
    Int64,
    Text,
    Bytes,

    /// <summary>jsonb; SQLite keeps the JSON text.</summary>
    Json,

    /// <summary>text[]; SQLite keeps a JSON array of strings.</summary>
    TextArray,
}

internal sealed record MigrationColumn(string Name, ColumnKind Kind);

/// <summary>
/// One table to copy. <paramref name="Key"/> is its primary key (rows are read in key order, and a run resumes after the
/// last key it committed). <paramref name="SelfReferences"/> are the columns of a foreign key to the table itself
/// (users.owner_id): rows whose reference is empty are copied first, so a row never arrives before the row it names.
/// </summary>
internal sealed record MigrationTable(string Name, IReadOnlyList<MigrationColumn> Columns, IReadOnlyList<string> Key, IReadOnlyList<string> SelfReferences)
{
    /// <summary>The passes a copy makes over the table: one, or two split on <see cref="SelfReferences"/>.</summary>
    public IReadOnlyList<string?> Passes => SelfReferences.Count == 0
        ? [null]
        : [string.Join(" AND ", SelfReferences.Select(c => $"\"{c}\" IS NULL")), "NOT (" + string.Join(" AND ", SelfReferences.Select(c => $"\"{c}\" IS NULL")) + ")"];

    public string ColumnList => string.Join(", ", Columns.Select(c => $"\"{c.Name}\""));
}

/// <summary>
/// The tables to copy, read from the target's catalogue after its migrations ran: every table but the migration
/// history, each column but generated ones (the search vector), in an order where a table comes after those its foreign
/// keys refer to. The SQLite store creates the same tables and columns (the specification suite holds both to it).
/// </summary>
internal static class MigrationPlan
{
    /// <summary>Tables neither side copies: each store's migration history, and this tool's own progress.</summary>
    public static readonly IReadOnlySet<string> NotCopied = new HashSet<string>(StringComparer.Ordinal) { "schema_migrations", DataMigrator.ProgressTable };

    public static async Task<IReadOnlyList<MigrationTable>> ReadAsync(NpgsqlConnection target, CancellationToken cancellationToken)
    {
        var columns = new Dictionary<string, List<MigrationColumn>>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            ORDER BY c.relname, a.attnum
            """, target))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var table = reader.GetString(0);
                if (NotCopied.Contains(table))
                {
                    continue;
                }
                var kind = Kind(reader.GetString(2)) ?? throw new DataMigrationException($"Column {table}.{reader.GetString(1)} has type {reader.GetString(2)}, which migrate-data does not know how to carry.");
                (columns.TryGetValue(table, out var list) ? list : columns[table] = []).Add(new MigrationColumn(reader.GetString(1), kind));
            }
        }

        var keys = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            """
            SELECT c.relname, a.attname
            FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE n.nspname = current_schema() AND i.indisprimary
            ORDER BY c.relname, k.position
            """, target))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                (keys.TryGetValue(reader.GetString(0), out var list) ? list : keys[reader.GetString(0)] = []).Add(reader.GetString(1));
            }
        }

        // (table, referenced table, the referencing columns) for every foreign key.
        var references = new List<(string From, string To, string[] Columns)>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT f.relname, t.relname, ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, position)
                                               JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum ORDER BY u.position)
            FROM pg_constraint k JOIN pg_class f ON f.oid = k.conrelid JOIN pg_class t ON t.oid = k.confrelid
            JOIN pg_namespace n ON n.oid = f.relnamespace
            WHERE k.contype = 'f' AND n.nspname = current_schema()
            """, target))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                references.Add((reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2)));
            }
        }

        var tables = columns.Select(entry => new MigrationTable(
            entry.Key,
            entry.Value,
            keys.TryGetValue(entry.Key, out var key) ? key : throw new DataMigrationException($"Table {entry.Key} has no primary key; migrate-data copies tables in key order."),
            [.. references.Where(r => r.From == entry.Key && r.To == entry.Key).SelectMany(r => r.Columns).Distinct(StringComparer.Ordinal)]))
            .ToDictionary(t => t.Name, StringComparer.Ordinal);
        return InReferenceOrder(tables, references.Where(r => r.From != r.To && tables.ContainsKey(r.From) && tables.ContainsKey(r.To)).Select(r => (r.From, r.To)));
    }

    /// <summary>Referenced tables first (Kahn's algorithm, ties by name so that every run copies in the same order).</summary>
    private static List<MigrationTable> InReferenceOrder(Dictionary<string, MigrationTable> tables, IEnumerable<(string From, string To)> references)
    {
        var needs = tables.Keys.ToDictionary(name => name, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var (from, to) in references)
        {
            needs[from].Add(to);
        }
        var ordered = new List<MigrationTable>(tables.Count);
        while (needs.Count > 0)
        {
            var ready = needs.Where(n => n.Value.Count == 0).Select(n => n.Key).Order(StringComparer.Ordinal).FirstOrDefault()
                ?? throw new DataMigrationException($"The foreign keys between {string.Join(", ", needs.Keys)} form a cycle; migrate-data cannot order them.");
            ordered.Add(tables[ready]);
            needs.Remove(ready);
            foreach (var rest in needs.Values)
            {
                rest.Remove(ready);
            }
        }
        return ordered;
    }

    private static ColumnKind? Kind(string type) => type switch
    {
        "uuid" => ColumnKind.Uuid,
        "timestamp with time zone" => ColumnKind.Time,
        "boolean" => ColumnKind.Boolean,
        "smallint" => ColumnKind.Int16,
        "integer" => ColumnKind.Int32,
        "bigint" => ColumnKind.Int64,
        "text" => ColumnKind.Text,
        "bytea" => ColumnKind.Bytes,
        "jsonb" => ColumnKind.Json,
        "text[]" => ColumnKind.TextArray,
        _ => null,
    };
}
