using LinqToDB;
using LinqToDB.Async;
using NUlid;
using Tanager.Storage.Relational.Internal;

namespace Tanager.Storage.Relational;

/// <summary>
/// Stored credentials (login sessions, bot tokens, gateway tickets), on both SQL stores; global tables (reference tables
/// under Citus). The lookup of every request (token hash → session and user, one joined statement) is each store's own.
/// </summary>
public abstract partial class RelationalStore
{
    public async ValueTask CreateSessionAsync(UserSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        await Database.RunAsync(db => db.InsertAsync(SessionRow.From(session), token: cancellationToken), cancellationToken);
    }

    public async ValueTask<bool> DeleteSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        return await Database.RunAsync(db => db.GetTable<SessionRow>().Where(r => r.TokenHash == tokenHash).DeleteAsync(cancellationToken), cancellationToken) == 1;
    }

    public async ValueTask<IReadOnlyList<UserSession>> ListSessionsAsync(Ulid userId, CredentialKind kind, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db => db.GetTable<SessionRow>().Where(r => r.UserId == userId && r.Kind == (short)kind).OrderByDescending(r => r.Id)
            .ToListAsync(cancellationToken), cancellationToken)).Select(r => r.ToDomain())];

    /// <summary>Deletes the user's credentials of <paramref name="kind"/> (all kinds when null), only one or all but one; returns the ids deleted.</summary>
    public async ValueTask<IReadOnlyList<Ulid>> DeleteSessionsAsync(Ulid userId, CredentialKind? kind, Ulid? only, Ulid? except, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db =>
        {
            // Only the filters that were given, so each statement is plain for the planner.
            var sessions = db.GetTable<SessionRow>().Where(r => r.UserId == userId);
            if (kind is { } k)
            {
                sessions = sessions.Where(r => r.Kind == (short)k);
            }
            if (only is { } o)
            {
                sessions = sessions.Where(r => r.Id == o);
            }
            if (except is { } e)
            {
                sessions = sessions.Where(r => r.Id != e);
            }
            return sessions.DeleteWithOutputAsync().ToListAsync(cancellationToken).AsTask();
        }, cancellationToken)).Select(r => r.Id)];

    /// <summary>Records a use; a client that sent no user agent (or whose address is unknown) keeps what was recorded before.</summary>
    public async ValueTask TouchSessionAsync(Ulid sessionId, DateTimeOffset lastUsedAt, string? userAgent, string? ipAddress, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<SessionRow>().Where(r => r.Id == sessionId).Set(r => r.LastUsedAt, lastUsedAt)
            .Set(r => r.UserAgent, r => userAgent ?? r.UserAgent).Set(r => r.IpAddress, r => ipAddress ?? r.IpAddress).UpdateAsync(cancellationToken), cancellationToken);

    /// <summary>Deletes expired credentials and idle login sessions (the kind a literal, so the partial index of idle logins applies).</summary>
    public async ValueTask<int> DeleteExpiredSessionsAsync(DateTimeOffset now, DateTimeOffset idleBefore, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<SessionRow>().Where(r => r.ExpiresAt <= now || (r.Kind == (short)CredentialKind.Login && r.LastUsedAt < idleBefore))
            .DeleteAsync(cancellationToken), cancellationToken);
}
