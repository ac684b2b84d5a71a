using Microsoft.Data.Sqlite;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>Slash commands.</summary>
public sealed partial class SqliteStore : ISlashCommandStore
{
    private const string SlashCommandColumns = "workspace_id, id, name, bot_user_id, description, usage_hint, secret, created_by, created_at, updated_at, url";

    public async ValueTask<bool> TryCreateSlashCommandAsync(SlashCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        await using var connection = await OpenAsync(cancellationToken);
        await using var insert = Command(connection, $"""
            INSERT INTO slash_commands ({SlashCommandColumns}) VALUES ($ws, $id, $name, $bot, $description, $usage, $secret, $by, $created, $updated, $url)
            ON CONFLICT DO NOTHING
            """)
            .With("$ws", Blob(command.WorkspaceId)).With("$id", Blob(command.Id)).With("$name", command.Name).With("$bot", Blob(command.BotUserId))
            .With("$description", command.Description).With("$usage", command.UsageHint).With("$secret", command.Secret)
            .With("$by", Blob(command.CreatedBy)).With("$created", Ticks(command.CreatedAt)).With("$updated", Ticks(command.UpdatedAt)).With("$url", command.Url);
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<bool> UpdateSlashCommandAsync(SlashCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        await using var connection = await OpenAsync(cancellationToken);
        await using var update = Command(connection, "UPDATE slash_commands SET description = $description, usage_hint = $usage, url = $url, updated_at = $updated WHERE workspace_id = $ws AND id = $id AND (url IS NULL) = ($url IS NULL)")
            .With("$ws", Blob(command.WorkspaceId)).With("$id", Blob(command.Id))
            .With("$description", command.Description).With("$usage", command.UsageHint).With("$url", command.Url).With("$updated", Ticks(command.UpdatedAt));
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<SlashCommand?> GetSlashCommandAsync(Ulid workspaceId, string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = Command(connection, $"SELECT {SlashCommandColumns} FROM slash_commands WHERE workspace_id = $ws AND name = $name")
            .With("$ws", Blob(workspaceId)).With("$name", name);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadSlashCommand(reader) : null;
    }

    public async ValueTask<IReadOnlyList<SlashCommand>> ListSlashCommandsAsync(Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var select = Command(connection, $"SELECT {SlashCommandColumns} FROM slash_commands WHERE workspace_id = $ws ORDER BY name")
            .With("$ws", Blob(workspaceId));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var commands = new List<SlashCommand>();
        while (await reader.ReadAsync(cancellationToken))
        {
            commands.Add(ReadSlashCommand(reader));
        }
        return commands;
    }

    public async ValueTask<bool> DeleteSlashCommandAsync(Ulid workspaceId, string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var delete = Command(connection, "DELETE FROM slash_commands WHERE workspace_id = $ws AND name = $name")
            .With("$ws", Blob(workspaceId)).With("$name", name);
        return await delete.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static SlashCommand ReadSlashCommand(SqliteDataReader reader) =>
        new(reader.GetUlid(1), reader.GetUlid(0), reader.GetString(2), reader.GetNullableUlid(3), reader.GetString(4), reader.GetNullableString(5),
            (byte[])reader.GetValue(6), reader.GetUlid(7), reader.GetTime(8), reader.GetTime(9)) { Url = reader.GetNullableString(10) };
}
