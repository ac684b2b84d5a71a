using Microsoft.Data.Sqlite;
using NUlid;
using Tanager.Storage.Relational.Internal;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>The lookup of every request: a token's hash to its session and user, one joined statement (the rest of the credentials are <see cref="RelationalStore"/>'s).</summary>
public sealed partial class SqliteStore
{
    public async ValueTask<SignedInUser?> GetSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT {StoredRows.Of("s", StoredRows.SessionColumns)}, {StoredRows.Of("u", StoredRows.UserColumns)}
            FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $hash
            """).With("$hash", tokenHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new SignedInUser(Rows.Session(reader), Rows.User(reader, StoredRows.SessionColumnCount)) : null;
    }
}
