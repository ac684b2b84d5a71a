using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>The notifiers' scan of new messages; the rest of <see cref="INotificationStore"/> is <see cref="RelationalStore"/>'s.</summary>
public sealed partial class PostgresStore
{
    public override async ValueTask<IReadOnlyList<Message>> ListMessagesBetweenAsync(Ulid after, Ulid before, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {MessageColumns} FROM messages WHERE id > $1 AND id < $2 AND deleted_at IS NULL ORDER BY id LIMIT $3")
            .With(Uuid(after), Uuid(before), limit);
        return await ReadMessagesAsync(command, cancellationToken);
    }
}
