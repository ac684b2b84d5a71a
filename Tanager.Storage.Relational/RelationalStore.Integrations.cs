using LinqToDB;
using LinqToDB.Async;
using NUlid;
using Tanager.Storage.Relational.Internal;

namespace Tanager.Storage.Relational;

/// <summary>Incoming webhooks, links to outside identity providers, and slash commands: one query each on both SQL stores.</summary>
public abstract partial class RelationalStore : IWebhookStore, IExternalLoginStore, ISlashCommandStore
{
    public async ValueTask CreateIncomingWebhookAsync(IncomingWebhook webhook, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        await Database.RunAsync(db => db.InsertAsync(IncomingWebhookRow.From(webhook), token: cancellationToken), cancellationToken);
    }

    public async ValueTask<IncomingWebhook?> GetIncomingWebhookAsync(Ulid id, CancellationToken cancellationToken = default) =>
        (await Database.RunAsync(db => db.GetTable<IncomingWebhookRow>().FirstOrDefaultAsync(r => r.Id == id, cancellationToken), cancellationToken))?.ToDomain();

    public async ValueTask<IReadOnlyList<IncomingWebhook>> ListIncomingWebhooksAsync(Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db => db.GetTable<IncomingWebhookRow>().Where(r => r.WorkspaceId == workspaceId && r.ChannelId == channelId)
            .OrderBy(r => r.Id).ToListAsync(cancellationToken), cancellationToken)).Select(r => r.ToDomain())];

    public async ValueTask<bool> DeleteIncomingWebhookAsync(Ulid id, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<IncomingWebhookRow>().Where(r => r.Id == id).DeleteAsync(cancellationToken), cancellationToken) > 0;

    public async ValueTask<bool> TryAddExternalLoginAsync(ExternalLogin login, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(login);
        // Inserted only when the (provider, subject) key is free: a null update is ON CONFLICT DO NOTHING.
        return await Database.RunAsync(db => db.GetTable<ExternalLoginRow>().InsertOrUpdateAsync(
            () => new ExternalLoginRow { Provider = login.Provider, Subject = login.Subject, UserId = login.UserId, Email = login.Email, CreatedAt = login.CreatedAt },
            null, cancellationToken), cancellationToken) == 1;
    }

    public async ValueTask<ExternalLogin?> FindExternalLoginAsync(string provider, string subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(subject);
        return (await Database.RunAsync(db => db.GetTable<ExternalLoginRow>().FirstOrDefaultAsync(r => r.Provider == provider && r.Subject == subject, cancellationToken),
            cancellationToken))?.ToDomain();
    }

    public async ValueTask<IReadOnlyList<ExternalLogin>> ListExternalLoginsAsync(Ulid userId, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db => db.GetTable<ExternalLoginRow>().Where(r => r.UserId == userId)
            .OrderBy(r => r.CreatedAt).ThenBy(r => r.Provider).ThenBy(r => r.Subject).ToListAsync(cancellationToken), cancellationToken)).Select(r => r.ToDomain())];

    public async ValueTask<bool> RemoveExternalLoginsAsync(Ulid userId, string provider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return await Database.RunAsync(db => db.GetTable<ExternalLoginRow>().Where(r => r.UserId == userId && r.Provider == provider).DeleteAsync(cancellationToken),
            cancellationToken) > 0;
    }

    /// <summary>
    /// False when the workspace has a command of that name. Checked first, and again when the insert breaks the name's
    /// uniqueness (a command of that name made at the same moment); any other failure is the caller's.
    /// </summary>
    public async ValueTask<bool> TryCreateSlashCommandAsync(SlashCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await GetSlashCommandAsync(command.WorkspaceId, command.Name, cancellationToken) is null
            && await Database.TryInsertAsync(SlashCommandRow.From(command), db => db.GetTable<SlashCommandRow>().AnyAsync(
                r => r.WorkspaceId == command.WorkspaceId && r.Name == command.Name, cancellationToken), cancellationToken);
    }

    /// <summary>Changes description, usage hint, URL and update time; a command answered by a bot stays one, and one routed to a URL stays one.</summary>
    public async ValueTask<bool> UpdateSlashCommandAsync(SlashCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await Database.RunAsync(db =>
        {
            var query = db.GetTable<SlashCommandRow>().Where(r => r.WorkspaceId == command.WorkspaceId && r.Id == command.Id);
            query = command.Url is null ? query.Where(r => r.Url == null) : query.Where(r => r.Url != null);
            return query.Set(r => r.Description, command.Description).Set(r => r.UsageHint, command.UsageHint).Set(r => r.Url, command.Url)
                .Set(r => r.UpdatedAt, command.UpdatedAt).UpdateAsync(cancellationToken);
        }, cancellationToken) == 1;
    }

    public async ValueTask<SlashCommand?> GetSlashCommandAsync(Ulid workspaceId, string name, CancellationToken cancellationToken = default) =>
        (await Database.RunAsync(db => db.GetTable<SlashCommandRow>().FirstOrDefaultAsync(r => r.WorkspaceId == workspaceId && r.Name == name, cancellationToken),
            cancellationToken))?.ToDomain();

    /// <summary>In name order, byte by byte (names are ASCII), the same on both stores whatever the database's collation.</summary>
    public async ValueTask<IReadOnlyList<SlashCommand>> ListSlashCommandsAsync(Ulid workspaceId, CancellationToken cancellationToken = default) =>
        [.. (await Database.RunAsync(db => db.GetTable<SlashCommandRow>().Where(r => r.WorkspaceId == workspaceId).ToListAsync(cancellationToken), cancellationToken))
            .Select(r => r.ToDomain()).OrderBy(c => c.Name, StringComparer.Ordinal)];

    public async ValueTask<bool> DeleteSlashCommandAsync(Ulid workspaceId, string name, CancellationToken cancellationToken = default) =>
        await Database.RunAsync(db => db.GetTable<SlashCommandRow>().Where(r => r.WorkspaceId == workspaceId && r.Name == name).DeleteAsync(cancellationToken),
            cancellationToken) > 0;
}
