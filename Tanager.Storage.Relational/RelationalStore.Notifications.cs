using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using NUlid;
using Tanager.Storage.Relational.Internal;

namespace Tanager.Storage.Relational;

/// <summary>
/// <see cref="INotificationStore"/> on both SQL stores, one query each: notification preferences, the email and push
/// notifiers' rows, and Web Push subscriptions. The notifiers' scan of new messages is each store's own: it reads
/// messages as every other message query of that store does.
/// </summary>
public abstract partial class RelationalStore : INotificationStore
{
    public async ValueTask<NotificationPreferences?> GetNotificationPreferencesAsync(Ulid userId, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(async db =>
        {
            var row = await db.GetTable<NotificationPreferencesRow>().FirstOrDefaultAsync(r => r.UserId == userId, cancellationToken);
            return row is null ? null : new NotificationPreferences(row.UserId, Enum.Parse<EmailNotificationLevel>(row.EmailLevel, ignoreCase: true),
                [.. row.MutedChannels.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Ulid.Parse)], QuietHours.Parse(row.QuietHours));
        }, cancellationToken);

    public async ValueTask SetNotificationPreferencesAsync(NotificationPreferences preferences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        var level = preferences.Email.ToString().ToLowerInvariant();
        var muted = string.Join(',', preferences.MutedChannels.Distinct().Order());
        var quiet = preferences.QuietHours?.ToString();
        await Database.RunAsync(db => db.GetTable<NotificationPreferencesRow>().InsertOrUpdateAsync(
            () => new NotificationPreferencesRow { UserId = preferences.UserId, EmailLevel = level, MutedChannels = muted, QuietHours = quiet },
            row => new NotificationPreferencesRow { EmailLevel = level, MutedChannels = muted, QuietHours = quiet },
            cancellationToken), cancellationToken);
    }

    public async ValueTask<NotificationState> GetNotificationStateAsync(Ulid initialCursor, byte[] newKey, CancellationToken cancellationToken = default) =>
        await GetStateAsync<EmailNotifierStateRow>(initialCursor, newKey, cancellationToken);

    public async ValueTask<bool> TryAdvanceNotificationCursorAsync(Ulid expected, Ulid next, CancellationToken cancellationToken = default) =>
        await TryAdvanceCursorAsync<EmailNotifierStateRow>(expected, next, cancellationToken);

    public async ValueTask<NotificationState> GetWebPushStateAsync(Ulid initialCursor, byte[] newKey, CancellationToken cancellationToken = default) =>
        await GetStateAsync<PushNotifierStateRow>(initialCursor, newKey, cancellationToken);

    public async ValueTask<bool> TryAdvanceWebPushCursorAsync(Ulid expected, Ulid next, CancellationToken cancellationToken = default) =>
        await TryAdvanceCursorAsync<PushNotifierStateRow>(expected, next, cancellationToken);

    /// <summary>A notifier's row, stored by the first call ever (on any node) with <paramref name="initialCursor"/> and <paramref name="newKey"/>.</summary>
    private Task<NotificationState> GetStateAsync<TRow>(Ulid initialCursor, byte[] newKey, CancellationToken cancellationToken)
        where TRow : class, INotifierStateRow, new()
    {
        ArgumentNullException.ThrowIfNull(newKey);
        return Database.RunAsync(async db =>
        {
            var table = db.GetTable<TRow>();
            // Inserted only when absent: a null update is ON CONFLICT DO NOTHING.
            await table.InsertOrUpdateAsync(() => new TRow { Id = 1, Cursor = initialCursor, Key = newKey }, null, cancellationToken);
            var row = await table.FirstAsync(r => r.Id == 1, cancellationToken);
            return new NotificationState(row.Cursor, row.Key);
        }, cancellationToken);
    }

    /// <summary>Moves a notifier's cursor only if it is still at <paramref name="expected"/>: the claim of the messages in between.</summary>
    private Task<bool> TryAdvanceCursorAsync<TRow>(Ulid expected, Ulid next, CancellationToken cancellationToken)
        where TRow : class, INotifierStateRow, new() =>
        Database.RunAsync(async db =>
            await db.GetTable<TRow>().Where(r => r.Id == 1 && r.Cursor == expected).Set(r => r.Cursor, next).UpdateAsync(cancellationToken) == 1, cancellationToken);

    /// <summary>
    /// Saves a browser's subscription, replacing one with the same endpoint (keeping its id), and removes the user's oldest
    /// beyond <paramref name="maxPerUser"/>, in one transaction (run once more if a save of the same new endpoint at the
    /// same moment broke its uniqueness).
    /// </summary>
    public async ValueTask<WebPushSubscription> SaveWebPushSubscriptionAsync(WebPushSubscription subscription, int maxPerUser, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return await Database.InTransactionRetriedOnceAsync(async db =>
        {
            var table = db.GetTable<WebPushSubscriptionRow>();
            var endpoint = subscription.Endpoint;
            var id = await table.Where(r => r.Endpoint == endpoint).Select(r => (Ulid?)r.Id).FirstOrDefaultAsync(cancellationToken) ?? subscription.Id;
            var row = new WebPushSubscriptionRow
            {
                Id = id, UserId = subscription.UserId, Endpoint = endpoint, P256dh = subscription.P256dh, Auth = subscription.Auth, CreatedAt = subscription.CreatedAt,
            };
            if (id == subscription.Id)
            {
                await db.InsertAsync(row, token: cancellationToken);
            }
            else
            {
                await db.UpdateAsync(row, token: cancellationToken);
            }
            var userId = subscription.UserId;
            var beyond = await table.Where(r => r.UserId == userId).OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
                .Skip(maxPerUser).Select(r => r.Id).ToListAsync(cancellationToken);
            if (beyond.Count > 0)
            {
                await table.Where(r => r.UserId == userId && beyond.Contains(r.Id)).DeleteAsync(cancellationToken);
            }
            return row.ToDomain();
        }, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<WebPushSubscription>> ListWebPushSubscriptionsAsync(Ulid userId, CancellationToken cancellationToken = default) =>
        await Database.RunAsync<IReadOnlyList<WebPushSubscription>>(async db =>
            [.. (await db.GetTable<WebPushSubscriptionRow>().Where(r => r.UserId == userId).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToListAsync(cancellationToken))
                .Select(r => r.ToDomain())], cancellationToken);

    public async ValueTask<bool> DeleteWebPushSubscriptionAsync(Ulid userId, Ulid subscriptionId, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(async db =>
            await db.GetTable<WebPushSubscriptionRow>().Where(r => r.UserId == userId && r.Id == subscriptionId).DeleteAsync(cancellationToken) > 0, cancellationToken);
}
