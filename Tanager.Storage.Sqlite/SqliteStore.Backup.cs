using Microsoft.Data.Sqlite;

namespace Tanager.Storage.Sqlite;

/// <summary>Online backup: a consistent copy of the database while the server goes on reading and writing it.</summary>
public sealed partial class SqliteStore
{
    /// <summary>
    /// Copies the database to <paramref name="destination"/>, a new file (owner-only, 0600), with SQLite's online backup:
    /// the copy is one moment's database, taken while other connections read and write. Refuses an existing file.
    /// </summary>
    public async Task BackupAsync(string destination, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        var target = System.IO.Path.GetFullPath(destination);
        if (File.Exists(target))
        {
            throw new IOException($"{target} exists; a backup never overwrites a file.");
        }
        var copy = new SqliteStore(target);
        copy.CreateOwnerOnly();
        await using var source = await OpenAsync(cancellationToken);
        await using var destinationConnection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        await destinationConnection.OpenAsync(cancellationToken);
        // BackupDatabase has no async form; it runs on a pool thread so that the caller's thread is not held.
        await Task.Run(() => source.BackupDatabase(destinationConnection), cancellationToken);
    }
}
