using LinqToDB;
using LinqToDB.Async;
using NUlid;
using Tanager.Storage.Relational.Internal;

namespace Tanager.Storage.Relational;

/// <summary>Authenticators for two-factor sign-in with their recovery codes, the security audit log, and API keys, on both SQL stores.</summary>
public abstract partial class RelationalStore : ITwoFactorStore, IAuditStore
{
    public async ValueTask<TwoFactorCredential?> GetTwoFactorAsync(Ulid userId, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(async db => await db.GetTable<TwoFactorRow>().FirstOrDefaultAsync(r => r.UserId == userId, cancellationToken) is { } row
            ? new TwoFactorCredential(row.UserId, row.Secret, row.CreatedAt) { EnabledAt = row.EnabledAt, LastUsedStep = row.LastUsedStep }
            : null, cancellationToken);

    /// <summary>The credential, replacing any, and its recovery codes replacing the old ones, in one transaction.</summary>
    public async ValueTask SaveTwoFactorAsync(TwoFactorCredential credential, IReadOnlyCollection<byte[]> recoveryCodeHashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(recoveryCodeHashes);
        var userId = credential.UserId;
        await Database.InTransactionAsync(async db =>
        {
            await db.GetTable<TwoFactorRow>().InsertOrUpdateAsync(
                () => new TwoFactorRow { UserId = userId, Secret = credential.Secret, CreatedAt = credential.CreatedAt, EnabledAt = credential.EnabledAt, LastUsedStep = credential.LastUsedStep },
                row => new TwoFactorRow { Secret = credential.Secret, CreatedAt = credential.CreatedAt, EnabledAt = credential.EnabledAt, LastUsedStep = credential.LastUsedStep },
                cancellationToken);
            await db.GetTable<RecoveryCodeRow>().Where(r => r.UserId == userId).DeleteAsync(cancellationToken);
            foreach (var hash in recoveryCodeHashes)
            {
                await db.InsertAsync(new RecoveryCodeRow { UserId = userId, CodeHash = hash }, token: cancellationToken);
            }
            return true;
        }, cancellationToken);
    }

    public async ValueTask<bool> DeleteTwoFactorAsync(Ulid userId, CancellationToken cancellationToken = default) =>
        await Database.InTransactionAsync(async db =>
        {
            await db.GetTable<RecoveryCodeRow>().Where(r => r.UserId == userId).DeleteAsync(cancellationToken);
            return await db.GetTable<TwoFactorRow>().Where(r => r.UserId == userId).DeleteAsync(cancellationToken) == 1;
        }, cancellationToken);

    /// <summary>Accepts a time step once: only one later than the last accepted moves it (a replayed code is refused).</summary>
    public async ValueTask<bool> TryUseTimeStepAsync(Ulid userId, long timeStep, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<TwoFactorRow>().Where(r => r.UserId == userId && r.LastUsedStep < timeStep)
            .Set(r => r.LastUsedStep, timeStep).UpdateAsync(cancellationToken), cancellationToken) == 1;

    public async ValueTask<bool> TryUseRecoveryCodeAsync(Ulid userId, byte[] codeHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(codeHash);
        return await Database.RunAsync(db => db.GetTable<RecoveryCodeRow>().Where(r => r.UserId == userId && r.CodeHash == codeHash).DeleteAsync(cancellationToken),
            cancellationToken) == 1;
    }

    public async ValueTask<int> CountRecoveryCodesAsync(Ulid userId, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<RecoveryCodeRow>().CountAsync(r => r.UserId == userId, cancellationToken), cancellationToken);

    public async ValueTask AddAuditEventAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        await Database.RunAsync(db => db.InsertAsync(new AuditEventRow
        {
            Id = auditEvent.Id, Kind = auditEvent.Kind, OccurredAt = auditEvent.OccurredAt, ActorId = auditEvent.ActorId, UserId = auditEvent.UserId,
            IpAddress = auditEvent.IpAddress, UserAgent = auditEvent.UserAgent, Detail = auditEvent.Detail,
        }, token: cancellationToken), cancellationToken);
    }

    /// <summary>Newest first (ids are ULIDs), before <paramref name="before"/> and of <paramref name="userId"/> when given.</summary>
    public async ValueTask<IReadOnlyList<AuditEvent>> ListAuditEventsAsync(Ulid? before, int limit, Ulid? userId = null, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db =>
        {
            var query = db.GetTable<AuditEventRow>().AsQueryable();
            if (before is { } b)
            {
                query = query.Where(r => r.Id < b);
            }
            if (userId is { } u)
            {
                query = query.Where(r => r.UserId == u);
            }
            return query.OrderByDescending(r => r.Id).Take(limit).ToListAsync(cancellationToken);
        }, cancellationToken)).Select(r => r.ToDomain())];

    public async ValueTask CreateApiKeyAsync(ApiKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await Database.RunAsync(db => db.InsertAsync(new ApiKeyRow { Id = key.Id, Name = key.Name, KeyHash = key.KeyHash, CreatedBy = key.CreatedBy, CreatedAt = key.CreatedAt },
            token: cancellationToken), cancellationToken);
    }

    public async ValueTask<ApiKey?> GetApiKeyAsync(byte[] keyHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        return (await Database.RunAsync(db => db.GetTable<ApiKeyRow>().FirstOrDefaultAsync(r => r.KeyHash == keyHash, cancellationToken), cancellationToken))?.ToDomain();
    }

    public async ValueTask<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db => db.GetTable<ApiKeyRow>().OrderBy(r => r.Id).ToListAsync(cancellationToken), cancellationToken)).Select(r => r.ToDomain())];

    public async ValueTask<bool> DeleteApiKeyAsync(Ulid keyId, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<ApiKeyRow>().Where(r => r.Id == keyId).DeleteAsync(cancellationToken), cancellationToken) == 1;

    /// <summary>The user's read position in the channel, replacing what was there (the service decides whether it may move back).</summary>
    public async ValueTask SetLastReadAsync(Ulid workspaceId, Ulid channelId, Ulid userId, long sequence, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<ReadStateRow>().InsertOrUpdateAsync(
            () => new ReadStateRow { WorkspaceId = workspaceId, ChannelId = channelId, UserId = userId, LastReadSequence = sequence, UpdatedAt = at },
            row => new ReadStateRow { LastReadSequence = sequence, UpdatedAt = at },
            cancellationToken), cancellationToken);
}
