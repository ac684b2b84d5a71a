using Microsoft.Data.Sqlite;
using NUlid;

namespace Tanager.Storage.Sqlite.Internal;

/// <summary>Conversions between domain values and SQLite columns.</summary>
internal static class SqliteValues
{
    public static byte[] Blob(Ulid id) => id.ToByteArray();

    public static object Blob(Ulid? id) => id is { } value ? value.ToByteArray() : DBNull.Value;

    public static long Ticks(DateTimeOffset time) => time.UtcTicks;

    public static object Ticks(DateTimeOffset? time) => time is { } value ? value.UtcTicks : DBNull.Value;

    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
