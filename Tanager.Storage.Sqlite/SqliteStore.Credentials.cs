using System.Text;
using Microsoft.Data.Sqlite;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>Stored credentials (login sessions, bot tokens, gateway tickets) and server API keys.</summary>
public sealed partial class SqliteStore
{
    private const string SessionColumns = "id, token_hash, user_id, kind, created_at, expires_at, last_used_at, name, scopes, user_agent, ip_address, parent_id";

    private static readonly int SessionColumnCount = SessionColumns.Split(", ").Length;


    public async ValueTask CreateSessionAsync(UserSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            INSERT INTO sessions ({SessionColumns})
            VALUES ($id, $hash, $user, $kind, $created, $expires, $used, $name, $scopes, $agent, $ip, $parent)
            """)
            .With("$id", Blob(session.Id)).With("$hash", session.TokenHash).With("$user", Blob(session.UserId)).With("$kind", (int)session.Kind)
            .With("$created", Ticks(session.CreatedAt)).With("$expires", Ticks(session.ExpiresAt)).With("$used", Ticks(session.LastUsedAt))
            .With("$name", session.Name).With("$scopes", StringList(session.Scopes)).With("$agent", session.UserAgent)
            .With("$ip", session.IpAddress).With("$parent", Blob(session.ParentId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<SignedInUser?> GetSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT {string.Join(", ", SessionColumns.Split(", ").Select(c => "s." + c))}, {UserColumnsOf("u")}
            FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $hash
            """).With("$hash", tokenHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new SignedInUser(ReadSession(reader), ReadUser(reader, SessionColumnCount)) : null;
    }

    public async ValueTask<bool> DeleteSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM sessions WHERE token_hash = $hash").With("$hash", tokenHash);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<IReadOnlyList<UserSession>> ListSessionsAsync(Ulid userId, CredentialKind kind, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {SessionColumns} FROM sessions WHERE user_id = $user AND kind = $kind ORDER BY id DESC")
            .With("$user", Blob(userId)).With("$kind", (int)kind);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var sessions = new List<UserSession>();
        while (await reader.ReadAsync(cancellationToken))
        {
            sessions.Add(ReadSession(reader));
        }
        return sessions;
    }

    public async ValueTask<IReadOnlyList<Ulid>> DeleteSessionsAsync(Ulid userId, CredentialKind? kind, Ulid? only, Ulid? except, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // Only the filters that were given, so that each statement is plain for the planner (user_id, kind, id index).
        var sql = new StringBuilder("DELETE FROM sessions WHERE user_id = $user");
        await using var command = Command(connection, "").With("$user", Blob(userId));
        if (kind is { } k)
        {
            sql.Append(" AND kind = $kind");
            command.With("$kind", (int)k);
        }
        if (only is { } o)
        {
            sql.Append(" AND id = $only");
            command.With("$only", Blob(o));
        }
        if (except is { } e)
        {
            sql.Append(" AND id <> $except");
            command.With("$except", Blob(e));
        }
        command.CommandText = sql.Append(" RETURNING id").ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var deleted = new List<Ulid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            deleted.Add(reader.GetUlid(0));
        }
        return deleted;
    }

    public async ValueTask TouchSessionAsync(Ulid sessionId, DateTimeOffset lastUsedAt, string? userAgent, string? ipAddress, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // A client that sent no user agent (or whose address is unknown) keeps what was recorded before.
        await using var command = Command(connection, "UPDATE sessions SET last_used_at = $used, user_agent = coalesce($agent, user_agent), ip_address = coalesce($ip, ip_address) WHERE id = $id")
            .With("$id", Blob(sessionId)).With("$used", Ticks(lastUsedAt)).With("$agent", userAgent).With("$ip", ipAddress);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<int> DeleteExpiredSessionsAsync(DateTimeOffset now, DateTimeOffset idleBefore, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // kind = 0 is a literal so that the partial index of idle logins applies.
        await using var command = Command(connection, $"DELETE FROM sessions WHERE expires_at <= $now OR (kind = {(int)CredentialKind.Login} AND last_used_at < $idle)")
            .With("$now", Ticks(now)).With("$idle", Ticks(idleBefore));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Reads the <see cref="SessionColumns"/>, from the first column.</summary>
    private static UserSession ReadSession(SqliteDataReader reader) =>
        new(reader.GetUlid(0), (byte[])reader.GetValue(1), reader.GetUlid(2), (CredentialKind)reader.GetInt32(3), reader.GetTime(4), reader.GetTime(5))
        {
            LastUsedAt = reader.GetTime(6),
            Name = reader.GetNullableString(7),
            Scopes = reader.GetNullableStringList(8),
            UserAgent = reader.GetNullableString(9),
            IpAddress = reader.GetNullableString(10),
            ParentId = reader.GetNullableUlid(11),
        };
}
