using Tanager.Storage.Sqlite;

namespace Tanager;

public static class SqliteTanagerBuilderExtensions
{
    /// <summary>Stores everything in the SQLite file at <paramref name="path"/>, created and migrated at start-up.</summary>
    public static TanagerBuilder UseSqlite(this TanagerBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var store = new SqliteStore(path);
        return builder.UseStore(_ => store);
    }
}
