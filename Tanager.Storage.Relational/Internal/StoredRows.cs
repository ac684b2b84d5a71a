using System.Data.Common;
using LinqToDB;
using LinqToDB.Data;
using NUlid;

namespace Tanager.Storage.Relational.Internal;

/// <summary>
/// The column lists and row readers of the statements each store writes by hand (the request's session lookup, the
/// access check, the group-commit append, full-text search): the same columns in both dialects, read the dialect's way
/// (SQLite: ids as 16-byte blobs, times as UTC ticks, string lists as JSON; PostgreSQL: uuid, timestamptz, text[]).
/// </summary>
internal sealed class StoredRows(SqlDialect dialect)
{
    public const string ChannelColumns = "workspace_id, id, name, kind, topic, last_sequence, created_at, updated_at, description, archived_at, overrides, dm_kind, dm_key, created_by";
    public const string UserColumns = "id, email, display_name, password_hash, created_at, updated_at, avatar_url, status_text, status_emoji, kind, owner_id, external_id, is_server_admin, deactivated_at";
    public const string SessionColumns = "id, token_hash, user_id, kind, created_at, expires_at, last_used_at, name, scopes, user_agent, ip_address, parent_id";
    public const string MessageColumns = "workspace_id, channel_id, id, author_id, content, sequence, change_sequence, thread_id, created_at, edited_at, deleted_at, nonce, pinned_at, pinned_by";

    /// <summary>How many columns <see cref="SessionColumns"/> names: the user's follow them in the session lookup.</summary>
    public const int SessionColumnCount = 12;

    /// <summary><paramref name="columns"/> qualified with a table alias, for joins.</summary>
    public static string Of(string alias, string columns) => string.Join(", ", columns.Split(", ").Select(c => alias + "." + c));

    private bool IsPostgres => dialect == SqlDialect.Postgres;

    /// <summary>An id as a parameter's value: a uuid with the ULID's bytes in PostgreSQL, its 16 bytes in SQLite.</summary>
    public object Value(Ulid id) => IsPostgres ? new Guid(id.ToByteArray(), bigEndian: true) : id.ToByteArray();

    public Ulid Id(DbDataReader reader, int ordinal) =>
        IsPostgres ? new Ulid(reader.GetGuid(ordinal).ToByteArray(bigEndian: true)) : new Ulid((byte[])reader.GetValue(ordinal));

    public Ulid? NullableId(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Id(reader, ordinal);

    public DateTimeOffset Time(DbDataReader reader, int ordinal) =>
        IsPostgres ? reader.GetFieldValue<DateTimeOffset>(ordinal) : new DateTimeOffset(reader.GetInt64(ordinal), TimeSpan.Zero);

    public DateTimeOffset? NullableTime(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Time(reader, ordinal);

    public static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private string[]? NullableStringList(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : IsPostgres ? reader.GetFieldValue<string[]>(ordinal) : StringListJson.Read(reader.GetString(ordinal));

    /// <summary>A value of a <see cref="WorkspaceArchive"/> column as a parameter, typed (PostgreSQL will not take text for jsonb).</summary>
    public DataParameter ArchiveParameter(string name, ArchiveColumnKind kind, object? value) => new(name, value switch
    {
        Ulid id => Value(id),
        DateTimeOffset time => IsPostgres ? time.ToUniversalTime() : time.UtcTicks,
        bool flag when !IsPostgres => flag ? 1L : 0L,
        _ => value,
    }, kind switch
    {
        ArchiveColumnKind.Id => IsPostgres ? DataType.Guid : DataType.VarBinary,
        ArchiveColumnKind.Integer => DataType.Int64,
        ArchiveColumnKind.Boolean => IsPostgres ? DataType.Boolean : DataType.Int64,
        ArchiveColumnKind.Time => IsPostgres ? DataType.DateTimeOffset : DataType.Int64,
        ArchiveColumnKind.Json when IsPostgres => DataType.BinaryJson,
        _ => DataType.NVarChar,
    });

    /// <summary>Reads a <see cref="WorkspaceArchive"/> column as the archive holds it (<see cref="ArchiveColumnKind"/>); null when NULL.</summary>
    public object? ArchiveValue(DbDataReader reader, int ordinal, ArchiveColumnKind kind) => reader.IsDBNull(ordinal) ? null : kind switch
    {
        ArchiveColumnKind.Id => Id(reader, ordinal),
        // smallint, integer and bigint columns alike.
        ArchiveColumnKind.Integer => Convert.ToInt64(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture),
        ArchiveColumnKind.Boolean => reader.GetBoolean(ordinal),
        ArchiveColumnKind.Time => Time(reader, ordinal),
        _ => reader.GetString(ordinal),
    };

    /// <summary>Reads the <see cref="ChannelColumns"/> starting at <paramref name="first"/>.</summary>
    public Channel Channel(DbDataReader reader, int first) =>
        // A direct or group message's kind column says 'private'; dm_kind says which it is (0007_direct_messages.sql).
        new(Id(reader, first), Id(reader, first + 1), reader.GetString(first + 2),
            DtoMapping.ParseChannelKind(NullableString(reader, first + 11) ?? reader.GetString(first + 3)), NullableString(reader, first + 4),
            reader.GetInt64(first + 5), Time(reader, first + 6), Time(reader, first + 7))
        {
            Description = NullableString(reader, first + 8),
            ArchivedAt = NullableTime(reader, first + 9),
            Overrides = ChannelOverrideFormat.Read(reader.GetString(first + 10)),
            DirectMessageKey = NullableString(reader, first + 12),
            CreatedBy = NullableId(reader, first + 13),
        };

    /// <summary>Reads the <see cref="UserColumns"/> starting at <paramref name="first"/>.</summary>
    public User User(DbDataReader reader, int first) =>
        new(Id(reader, first), reader.GetString(first + 1), reader.GetString(first + 2), reader.GetString(first + 3), Time(reader, first + 4), Time(reader, first + 5))
        {
            AvatarUrl = NullableString(reader, first + 6),
            StatusText = NullableString(reader, first + 7),
            StatusEmoji = NullableString(reader, first + 8),
            Kind = (UserKind)reader.GetInt16(first + 9),
            OwnerId = NullableId(reader, first + 10),
            ExternalId = NullableString(reader, first + 11),
            IsServerAdmin = reader.GetBoolean(first + 12),
            DeactivatedAt = NullableTime(reader, first + 13),
        };

    /// <summary>Reads the <see cref="SessionColumns"/>, from the first column.</summary>
    public UserSession Session(DbDataReader reader) =>
        new(Id(reader, 0), (byte[])reader.GetValue(1), Id(reader, 2), (CredentialKind)reader.GetInt16(3), Time(reader, 4), Time(reader, 5))
        {
            LastUsedAt = Time(reader, 6),
            Name = NullableString(reader, 7),
            Scopes = NullableStringList(reader, 8),
            UserAgent = NullableString(reader, 9),
            IpAddress = NullableString(reader, 10),
            ParentId = NullableId(reader, 11),
        };

    /// <summary>Reads the <see cref="MessageColumns"/>, from the first column.</summary>
    public Message Message(DbDataReader reader) =>
        new(Id(reader, 0), Id(reader, 1), Id(reader, 2), Id(reader, 3), reader.GetString(4), reader.GetInt64(5), reader.GetInt64(6),
            NullableId(reader, 7), Time(reader, 8), NullableTime(reader, 9), NullableTime(reader, 10), NullableString(reader, 11))
        {
            PinnedAt = NullableTime(reader, 12),
            PinnedBy = NullableId(reader, 13),
        };

    /// <summary>Runs <paramref name="command"/> and reads every row's <see cref="MessageColumns"/>.</summary>
    public async Task<List<Message>> MessagesAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<Message>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Message(reader));
        }
        return rows;
    }
}
