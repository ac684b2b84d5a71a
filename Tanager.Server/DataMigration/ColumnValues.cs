using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Tanager.Server.DataMigration;

/// <summary>
/// A column's value as the SQLite store keeps it, as PostgreSQL takes it, and in one canonical form that both sides are
/// hashed in for the verification pass (<see cref="TableDigest"/>): ids as the ULID's 16 bytes, times as UTC ticks
/// truncated to PostgreSQL's microseconds, JSON with its object members sorted (jsonb keeps its own order).
/// </summary>
internal static class ColumnValues
{
    public static NpgsqlDbType PostgresType(ColumnKind kind) => kind switch
    {
        ColumnKind.Uuid => NpgsqlDbType.Uuid,
        ColumnKind.Time => NpgsqlDbType.TimestampTz,
        ColumnKind.Boolean => NpgsqlDbType.Boolean,
        ColumnKind.Int16 => NpgsqlDbType.Smallint,
        ColumnKind.Int32 => NpgsqlDbType.Integer,
        ColumnKind.Int64 => NpgsqlDbType.Bigint,
        ColumnKind.Text => NpgsqlDbType.Text,
        ColumnKind.Bytes => NpgsqlDbType.Bytea,
        ColumnKind.Json => NpgsqlDbType.Jsonb,
        ColumnKind.TextArray => NpgsqlDbType.Array | NpgsqlDbType.Text,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>A value read from SQLite (long, string, byte[] or null) as the object PostgreSQL's binary COPY takes.</summary>
    public static object? ToPostgres(MigrationColumn column, object? value) => value is null ? null : column.Kind switch
    {
        ColumnKind.Uuid => new Guid(Id(column, value), bigEndian: true),
        ColumnKind.Time => new DateTime(Microseconds(Integer(column, value)), DateTimeKind.Utc),
        ColumnKind.Boolean => Integer(column, value) != 0,
        ColumnKind.Int16 => checked((short)Integer(column, value)),
        ColumnKind.Int32 => checked((int)Integer(column, value)),
        ColumnKind.Int64 => Integer(column, value),
        ColumnKind.Text or ColumnKind.Json => Text(column, value),
        ColumnKind.Bytes => value as byte[] ?? throw Unexpected(column, value),
        ColumnKind.TextArray => StringArray(Text(column, value)),
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };

    /// <summary>Appends a SQLite value in canonical form.</summary>
    public static void AppendSqlite(ArrayBufferWriter<byte> row, MigrationColumn column, object? value)
    {
        if (value is null)
        {
            Tag(row, 0);
            return;
        }
        switch (column.Kind)
        {
            case ColumnKind.Uuid:
                Tag(row, 1);
                row.Write(Id(column, value));
                break;
            case ColumnKind.Time:
                Long(row, 2, Microseconds(Integer(column, value)));
                break;
            case ColumnKind.Boolean:
                Long(row, 3, Integer(column, value) != 0 ? 1 : 0);
                break;
            case ColumnKind.Int16 or ColumnKind.Int32 or ColumnKind.Int64:
                Long(row, 4, Integer(column, value));
                break;
            case ColumnKind.Text:
                String(row, 5, Text(column, value));
                break;
            case ColumnKind.Bytes:
                Bytes(row, 6, value as byte[] ?? throw Unexpected(column, value));
                break;
            case ColumnKind.Json:
                String(row, 7, CanonicalJson(Text(column, value)));
                break;
            case ColumnKind.TextArray:
                Strings(row, StringArray(Text(column, value)));
                break;
        }
    }

    /// <summary>Appends the PostgreSQL value at <paramref name="ordinal"/> in canonical form.</summary>
    public static void AppendPostgres(ArrayBufferWriter<byte> row, MigrationColumn column, NpgsqlDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            Tag(row, 0);
            return;
        }
        switch (column.Kind)
        {
            case ColumnKind.Uuid:
                Tag(row, 1);
                reader.GetGuid(ordinal).TryWriteBytes(row.GetSpan(16), bigEndian: true, out _);
                row.Advance(16);
                break;
            case ColumnKind.Time:
                Long(row, 2, reader.GetFieldValue<DateTime>(ordinal).Ticks);
                break;
            case ColumnKind.Boolean:
                Long(row, 3, reader.GetBoolean(ordinal) ? 1 : 0);
                break;
            case ColumnKind.Int16 or ColumnKind.Int32 or ColumnKind.Int64:
                Long(row, 4, Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture));
                break;
            case ColumnKind.Text:
                String(row, 5, reader.GetString(ordinal));
                break;
            case ColumnKind.Bytes:
                Bytes(row, 6, reader.GetFieldValue<byte[]>(ordinal));
                break;
            case ColumnKind.Json:
                String(row, 7, CanonicalJson(reader.GetString(ordinal)));
                break;
            case ColumnKind.TextArray:
                Strings(row, reader.GetFieldValue<string[]>(ordinal));
                break;
        }
    }

    /// <summary>The first 16 bytes of a row's SHA-256, as two numbers a table's digest adds up.</summary>
    public static (ulong, ulong) Hash(ReadOnlySpan<byte> row)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(row, hash);
        return (BinaryPrimitives.ReadUInt64LittleEndian(hash), BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]));
    }

    /// <summary>UTC ticks (100 ns) cut to whole microseconds, what timestamptz keeps.</summary>
    private static long Microseconds(long ticks) => ticks - (ticks % 10);

    private static byte[] Id(MigrationColumn column, object value) =>
        value is byte[] { Length: 16 } bytes ? bytes : throw Unexpected(column, value);

    private static long Integer(MigrationColumn column, object value) => value as long? ?? throw Unexpected(column, value);

    private static string Text(MigrationColumn column, object value) => value as string ?? throw Unexpected(column, value);

    private static string[] StringArray(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(e => e.GetString()!)];
    }

    private static DataMigrationException Unexpected(MigrationColumn column, object value) =>
        new($"Column {column.Name} holds a {value.GetType().Name} where the SQLite store writes {column.Kind}; the source is not a Tanager database this version can read.");

    private static void Tag(ArrayBufferWriter<byte> row, byte tag) => row.Write([tag]);

    private static void Long(ArrayBufferWriter<byte> row, byte tag, long value)
    {
        Tag(row, tag);
        BinaryPrimitives.WriteInt64LittleEndian(row.GetSpan(8), value);
        row.Advance(8);
    }

    private static void Bytes(ArrayBufferWriter<byte> row, byte tag, ReadOnlySpan<byte> value)
    {
        Long(row, tag, value.Length);
        row.Write(value);
    }

    private static void String(ArrayBufferWriter<byte> row, byte tag, string value)
    {
        Long(row, tag, Encoding.UTF8.GetByteCount(value));
        row.Advance(Encoding.UTF8.GetBytes(value, row.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length))));
    }

    private static void Strings(ArrayBufferWriter<byte> row, string[] values)
    {
        Long(row, 8, values.Length);
        foreach (var value in values)
        {
            String(row, 5, value);
        }
    }

    /// <summary>
    /// JSON with every object's members sorted by name (the last of a repeated name kept, as jsonb does), no whitespace,
    /// and numbers as decimals: the same text for what SQLite kept and for what jsonb gives back.
    /// </summary>
    internal static string CanonicalJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var buffer = new ArrayBufferWriter<byte>(json.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(writer, document.RootElement);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                var members = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var member in element.EnumerateObject())
                {
                    members[member.Name] = member.Value;
                }
                foreach (var (name, value) in members)
                {
                    writer.WritePropertyName(name);
                    WriteCanonical(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }
                writer.WriteEndArray();
                break;
            case JsonValueKind.Number when decimal.TryParse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number):
                writer.WriteNumberValue(number);
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
