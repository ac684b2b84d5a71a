using LinqToDB;
using LinqToDB.Async;
using NUlid;
using Tanager.Storage.Relational.Internal;

namespace Tanager.Storage.Relational;

/// <summary>
/// People and bots, on both SQL stores (the session lookup of every request is in RelationalStore.RequestPath.cs).
/// </summary>
public abstract partial class RelationalStore : IUserStore
{
    /// <summary>
    /// False when the id, the email or the external id is taken (each is unique). Checked by inserting: a conflict fails the
    /// insert, and is told from any other failure by finding the row that holds the value.
    /// </summary>
    public async ValueTask<bool> TryCreateAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var row = UserRow.From(user);
        return await Database.TryInsertAsync(row, db => db.GetTable<UserRow>().AnyAsync(
            r => r.Id == row.Id || r.EmailKey == row.EmailKey || (row.ExternalId != null && r.ExternalId == row.ExternalId), cancellationToken), cancellationToken);
    }

    public async ValueTask<User?> GetAsync(Ulid userId, CancellationToken cancellationToken = default) =>
        (await Database.RunAsync(db => db.GetTable<UserRow>().FirstOrDefaultAsync(r => r.Id == userId, cancellationToken), cancellationToken))?.ToDomain();

    public async ValueTask<User?> FindByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        var key = User.EmailKey(email);
        return (await Database.RunAsync(db => db.GetTable<UserRow>().FirstOrDefaultAsync(r => r.EmailKey == key, cancellationToken), cancellationToken))?.ToDomain();
    }

    public async ValueTask<User?> FindByExternalIdAsync(string externalId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(externalId);
        return (await Database.RunAsync(db => db.GetTable<UserRow>().FirstOrDefaultAsync(r => r.ExternalId == externalId, cancellationToken), cancellationToken))?.ToDomain();
    }

    public async ValueTask<long> CountAsync(CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<UserRow>().LongCountAsync(cancellationToken), cancellationToken);

    /// <summary>Everyone in id order, a page after <paramref name="after"/> (the admin list and the archive).</summary>
    async ValueTask<IReadOnlyList<User>> IUserStore.ListAsync(Ulid? after, int limit, CancellationToken cancellationToken) =>
        [.. (await Database.RunAsync(db =>
        {
            var users = db.GetTable<UserRow>().AsQueryable();
            if (after is { } from)
            {
                users = users.Where(r => r.Id > from);
            }
            return users.OrderBy(r => r.Id).Take(limit).ToListAsync(cancellationToken);
        }, cancellationToken)).Select(r => r.ToDomain())];

    public async ValueTask<IReadOnlyList<User>> ListBotsAsync(Ulid ownerId, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db => db.GetTable<UserRow>().Where(r => r.OwnerId == ownerId && r.Kind == (short)UserKind.Bot).OrderBy(r => r.Id)
            .ToListAsync(cancellationToken), cancellationToken)).Select(r => r.ToDomain())];

    public async ValueTask<bool> UpdateProfileAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await Database.RunAsync(db => db.GetTable<UserRow>().Where(r => r.Id == user.Id)
            .Set(r => r.DisplayName, user.DisplayName).Set(r => r.AvatarUrl, user.AvatarUrl).Set(r => r.StatusText, user.StatusText)
            .Set(r => r.StatusEmoji, user.StatusEmoji).Set(r => r.UpdatedAt, user.UpdatedAt).UpdateAsync(cancellationToken), cancellationToken) == 1;
    }

    public async ValueTask<bool> UpdateAccountAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        return await Database.RunAsync(db => db.GetTable<UserRow>().Where(r => r.Id == user.Id)
            .Set(r => r.PasswordHash, user.PasswordHash).Set(r => r.IsServerAdmin, user.IsServerAdmin).Set(r => r.DeactivatedAt, user.DeactivatedAt)
            .Set(r => r.UpdatedAt, user.UpdatedAt).UpdateAsync(cancellationToken), cancellationToken) == 1;
    }
}
