using Npgsql;
using NUlid;

namespace Tanager.Storage.Postgres.Internal;

/// <summary>Conversions between domain values and PostgreSQL columns.</summary>
internal static class PostgresValues
{
    /// <summary>A ULID as a uuid whose bytes are the ULID's, so uuid order is time order and inserts stay at the index's end.</summary>
    public static Guid Uuid(Ulid id) => new(id.ToByteArray(), bigEndian: true);

    public static Guid? Uuid(Ulid? id) => id is { } value ? Uuid(value) : null;

    /// <summary>Adds positional parameters ($1, $2, …) in order.</summary>
    public static NpgsqlCommand With(this NpgsqlCommand command, params object?[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
        return command;
    }
}
