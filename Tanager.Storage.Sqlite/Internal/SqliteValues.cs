using System.Text.Json;
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

    public static Ulid GetUlid(this SqliteDataReader reader, int ordinal) => new((byte[])reader.GetValue(ordinal));

    public static Ulid? GetNullableUlid(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetUlid(ordinal);

    public static DateTimeOffset GetTime(this SqliteDataReader reader, int ordinal) => new(reader.GetInt64(ordinal), TimeSpan.Zero);

    public static DateTimeOffset? GetNullableTime(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetTime(ordinal);

    public static string? GetNullableString(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>A list of strings as a JSON array; null stays NULL, so that "none given" and "empty" differ.</summary>
    public static object StringList(IReadOnlyList<string>? values)
    {
        if (values is null)
        {
            return DBNull.Value;
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads a column written by <see cref="StringList"/>.</summary>
    public static IReadOnlyList<string>? GetNullableStringList(this SqliteDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }
        using var json = JsonDocument.Parse(reader.GetString(ordinal));
        return [.. json.RootElement.EnumerateArray().Select(e => e.GetString()!)];
    }

    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
