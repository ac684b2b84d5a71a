using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>Incoming webhooks, distributed by workspace like the channels they post into.</summary>
public sealed partial class PostgresStore : IWebhookStore
{
    private const string WebhookColumns = "id, workspace_id, channel_id, bot_user_id, name, token_hash, created_by, created_at";

    public async ValueTask CreateIncomingWebhookAsync(IncomingWebhook webhook, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        await using var command = Command($"INSERT INTO incoming_webhooks ({WebhookColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .With(Uuid(webhook.Id), Uuid(webhook.WorkspaceId), Uuid(webhook.ChannelId), Uuid(webhook.BotUserId), webhook.Name, webhook.TokenHash, Uuid(webhook.CreatedBy), webhook.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IncomingWebhook?> GetIncomingWebhookAsync(Ulid id, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {WebhookColumns} FROM incoming_webhooks WHERE id = $1").With(Uuid(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadWebhook(reader) : null;
    }

    public async ValueTask<IReadOnlyList<IncomingWebhook>> ListIncomingWebhooksAsync(Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {WebhookColumns} FROM incoming_webhooks WHERE workspace_id = $1 AND channel_id = $2 ORDER BY id")
            .With(Uuid(workspaceId), Uuid(channelId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var hooks = new List<IncomingWebhook>();
        while (await reader.ReadAsync(cancellationToken))
        {
            hooks.Add(ReadWebhook(reader));
        }
        return hooks;
    }

    public async ValueTask<bool> DeleteIncomingWebhookAsync(Ulid id, CancellationToken cancellationToken = default)
    {
        await using var command = Command("DELETE FROM incoming_webhooks WHERE id = $1").With(Uuid(id));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static IncomingWebhook ReadWebhook(NpgsqlDataReader reader) =>
        new(reader.GetUlid(0), reader.GetUlid(1), reader.GetUlid(2), reader.GetUlid(3), reader.GetString(4), reader.GetFieldValue<byte[]>(5), reader.GetUlid(6), reader.GetTime(7));
}
