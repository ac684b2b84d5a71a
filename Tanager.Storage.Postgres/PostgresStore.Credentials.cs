using Npgsql;
using NUlid;
using Tanager.Storage.Relational.Internal;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>The lookup of every request: a token's hash to its session and user, one joined statement (the rest of the credentials are <see cref="RelationalStore"/>'s).</summary>
public sealed partial class PostgresStore
{
    public async ValueTask<SignedInUser?> GetSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        await using var command = Command($"""
            SELECT {StoredRows.Of("s", StoredRows.SessionColumns)}, {StoredRows.Of("u", StoredRows.UserColumns)}
            FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1
            """).With(tokenHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new SignedInUser(Rows.Session(reader), Rows.User(reader, StoredRows.SessionColumnCount)) : null;
    }
}
