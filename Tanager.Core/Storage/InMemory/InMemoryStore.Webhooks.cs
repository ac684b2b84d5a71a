using NUlid;

namespace Tanager;

public sealed partial class InMemoryStore : IWebhookStore
{
    private readonly Dictionary<Ulid, IncomingWebhook> _incomingWebhooks = [];

    public ValueTask CreateIncomingWebhookAsync(IncomingWebhook webhook, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        lock (_lock)
        {
            _incomingWebhooks.Add(webhook.Id, webhook);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IncomingWebhook?> GetIncomingWebhookAsync(Ulid id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_incomingWebhooks.GetValueOrDefault(id));
        }
    }

    public ValueTask<IReadOnlyList<IncomingWebhook>> ListIncomingWebhooksAsync(Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<IncomingWebhook> hooks = [.. _incomingWebhooks.Values.Where(h => h.WorkspaceId == workspaceId && h.ChannelId == channelId).OrderBy(h => h.Id)];
            return ValueTask.FromResult(hooks);
        }
    }

    public ValueTask<bool> DeleteIncomingWebhookAsync(Ulid id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_incomingWebhooks.Remove(id));
        }
    }
}
