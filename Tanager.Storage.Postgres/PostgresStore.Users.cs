using Npgsql;
using NUlid;
using Tanager.Storage.Relational.Internal;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

public sealed partial class PostgresStore
{
    ValueTask<IReadOnlyList<User>> IUserStore.ListAsync(Ulid? after, int limit, CancellationToken cancellationToken) => ListUsersAsync(after, limit, cancellationToken);
}
