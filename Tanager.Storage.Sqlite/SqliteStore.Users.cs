using Microsoft.Data.Sqlite;
using NUlid;
using Tanager.Storage.Relational.Internal;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

public sealed partial class SqliteStore
{
    ValueTask<IReadOnlyList<User>> IUserStore.ListAsync(Ulid? after, int limit, CancellationToken cancellationToken) => ListUsersAsync(after, limit, cancellationToken);
}
