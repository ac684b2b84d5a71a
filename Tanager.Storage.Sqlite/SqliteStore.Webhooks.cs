using Microsoft.Data.Sqlite;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>Incoming webhooks.</summary>
public sealed partial class SqliteStore : IWebhookStore
{
    private const string WebhookColumns = "id, workspace_id, channel_id, bot_user_id, name, token_hash, created_by, created_at";

    public async ValueTask CreateIncomingWebhookAsync(IncomingWebhook webhook, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"""
            INSERT INTO incoming_webhooks ({WebhookColumns}) VALUES ($id, $workspace, $channel, $bot, $name, $hash, $by, $at)
            """)
            .With("$id", Blob(webhook.Id)).With("$workspace", Blob(webhook.WorkspaceId)).With("$channel", Blob(webhook.ChannelId))
            .With("$bot", Blob(webhook.BotUserId)).With("$name", webhook.Name).With("$hash", webhook.TokenHash)
            .With("$by", Blob(webhook.CreatedBy)).With("$at", Ticks(webhook.CreatedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IncomingWebhook?> GetIncomingWebhookAsync(Ulid id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {WebhookColumns} FROM incoming_webhooks WHERE id = $id").With("$id", Blob(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadWebhook(reader) : null;
    }

    public async ValueTask<IReadOnlyList<IncomingWebhook>> ListIncomingWebhooksAsync(Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {WebhookColumns} FROM incoming_webhooks WHERE workspace_id = $workspace AND channel_id = $channel ORDER BY id")
            .With("$workspace", Blob(workspaceId)).With("$channel", Blob(channelId));
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
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM incoming_webhooks WHERE id = $id").With("$id", Blob(id));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static IncomingWebhook ReadWebhook(SqliteDataReader reader) =>
        new(reader.GetUlid(0), reader.GetUlid(1), reader.GetUlid(2), reader.GetUlid(3), reader.GetString(4), (byte[])reader.GetValue(5), reader.GetUlid(6), reader.GetTime(7));
}
