using System.Text;
using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>Stored credentials (login sessions, bot tokens, gateway tickets) and server API keys; all global (reference tables).</summary>
public sealed partial class PostgresStore
{
    private const string SessionColumns = "id, token_hash, user_id, kind, created_at, expires_at, last_used_at, name, scopes, user_agent, ip_address, parent_id";

    private static readonly int SessionColumnCount = SessionColumns.Split(", ").Length;


    public async ValueTask CreateSessionAsync(UserSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        // scopes is text[]: NULL (every scope) and '{}' (none) stay apart.
        await using var command = Command($"INSERT INTO sessions ({SessionColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
            .With(Uuid(session.Id), session.TokenHash, Uuid(session.UserId), (short)session.Kind, session.CreatedAt, session.ExpiresAt, session.LastUsedAt,
                session.Name, session.Scopes?.ToArray(), session.UserAgent, session.IpAddress, Uuid(session.ParentId));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<SignedInUser?> GetSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        await using var command = Command($"""
            SELECT {string.Join(", ", SessionColumns.Split(", ").Select(c => "s." + c))}, {UserColumnsOf("u")}
            FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1
            """).With(tokenHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new SignedInUser(ReadSession(reader), ReadUser(reader, SessionColumnCount)) : null;
    }

    public async ValueTask<bool> DeleteSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        await using var command = Command("DELETE FROM sessions WHERE token_hash = $1").With(tokenHash);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<IReadOnlyList<UserSession>> ListSessionsAsync(Ulid userId, CredentialKind kind, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {SessionColumns} FROM sessions WHERE user_id = $1 AND kind = $2 ORDER BY id DESC")
            .With(Uuid(userId), (short)kind);
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
        // Only the filters that were given: no untyped NULL parameters, and each statement is plain for the planner.
        var sql = new StringBuilder("DELETE FROM sessions WHERE user_id = $1");
        var parameters = new List<object?> { Uuid(userId) };
        if (kind is { } k)
        {
            parameters.Add((short)k);
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $" AND kind = ${parameters.Count}");
        }
        if (only is { } o)
        {
            parameters.Add(Uuid(o));
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $" AND id = ${parameters.Count}");
        }
        if (except is { } e)
        {
            parameters.Add(Uuid(e));
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $" AND id <> ${parameters.Count}");
        }
        await using var command = Command(sql.Append(" RETURNING id").ToString()).With([.. parameters]);
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
        // A client that sent no user agent (or whose address is unknown) keeps what was recorded before.
        await using var command = Command("UPDATE sessions SET last_used_at = $2, user_agent = coalesce($3, user_agent), ip_address = coalesce($4, ip_address) WHERE id = $1")
            .With(Uuid(sessionId), lastUsedAt, userAgent, ipAddress);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<int> DeleteExpiredSessionsAsync(DateTimeOffset now, DateTimeOffset idleBefore, CancellationToken cancellationToken = default)
    {
        // kind = 0 is a literal so that the partial index of idle logins applies.
        await using var command = Command($"DELETE FROM sessions WHERE expires_at <= $1 OR (kind = {(int)CredentialKind.Login} AND last_used_at < $2)")
            .With(now, idleBefore);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Reads the <see cref="SessionColumns"/>, from the first column.</summary>
    private static UserSession ReadSession(NpgsqlDataReader reader) =>
        new(reader.GetUlid(0), reader.GetFieldValue<byte[]>(1), reader.GetUlid(2), (CredentialKind)reader.GetInt16(3), reader.GetTime(4), reader.GetTime(5))
        {
            LastUsedAt = reader.GetTime(6),
            Name = reader.GetNullableString(7),
            Scopes = reader.IsDBNull(8) ? null : reader.GetFieldValue<string[]>(8),
            UserAgent = reader.GetNullableString(9),
            IpAddress = reader.GetNullableString(10),
            ParentId = reader.GetNullableUlid(11),
        };
}
