using NUlid;

namespace Tanager;

/// <summary>Incoming webhooks. Global and small (a Citus reference table): a post names the hook by id alone.</summary>
public interface IWebhookStore
{
    ValueTask CreateIncomingWebhookAsync(IncomingWebhook webhook, CancellationToken cancellationToken = default);
    /// <summary>The hook with this id; null when there is none (or it was deleted).</summary>
    ValueTask<IncomingWebhook?> GetIncomingWebhookAsync(Ulid id, CancellationToken cancellationToken = default);
    /// <summary>A channel's hooks, oldest first.</summary>
    ValueTask<IReadOnlyList<IncomingWebhook>> ListIncomingWebhooksAsync(Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default);
    /// <summary>Deletes the hook; false when there was none.</summary>
    ValueTask<bool> DeleteIncomingWebhookAsync(Ulid id, CancellationToken cancellationToken = default);
}
