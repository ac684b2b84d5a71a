using Microsoft.Data.Sqlite;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>The notifiers' scan of new messages; the rest of <see cref="INotificationStore"/> is <see cref="RelationalStore"/>'s.</summary>
public sealed partial class SqliteStore
{
    public override async ValueTask<IReadOnlyList<Message>> ListMessagesBetweenAsync(Ulid after, Ulid before, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT {MessageColumns} FROM messages WHERE id > $after AND id < $before AND deleted_at IS NULL ORDER BY id LIMIT $limit
            """).With("$after", Blob(after)).With("$before", Blob(before)).With("$limit", limit);
        return await ReadMessagesAsync(command, cancellationToken);
    }
}
