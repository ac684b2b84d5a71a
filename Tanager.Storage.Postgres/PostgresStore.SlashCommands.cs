using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>Slash commands, distributed by workspace: every statement names the workspace, so it is routed to one shard.</summary>
public sealed partial class PostgresStore : ISlashCommandStore
{
    private const string SlashCommandColumns = "workspace_id, id, name, bot_user_id, description, usage_hint, secret, created_by, created_at, updated_at, url";

    public async ValueTask<bool> TryCreateSlashCommandAsync(SlashCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        await using var insert = Command($"INSERT INTO slash_commands ({SlashCommandColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING")
            .With(Uuid(command.WorkspaceId), Uuid(command.Id), command.Name, Uuid(command.BotUserId), command.Description, command.UsageHint, command.Secret,
                Uuid(command.CreatedBy), command.CreatedAt, command.UpdatedAt, command.Url);
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<bool> UpdateSlashCommandAsync(SlashCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        await using var update = Command("UPDATE slash_commands SET description = $3, usage_hint = $4, updated_at = $5, url = $6 WHERE workspace_id = $1 AND id = $2 AND (url IS NULL) = ($6::text IS NULL)")
            .With(Uuid(command.WorkspaceId), Uuid(command.Id), command.Description, command.UsageHint, command.UpdatedAt, command.Url);
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<SlashCommand?> GetSlashCommandAsync(Ulid workspaceId, string name, CancellationToken cancellationToken = default)
    {
        await using var select = Command($"SELECT {SlashCommandColumns} FROM slash_commands WHERE workspace_id = $1 AND name = $2").With(Uuid(workspaceId), name);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadSlashCommand(reader) : null;
    }

    public async ValueTask<IReadOnlyList<SlashCommand>> ListSlashCommandsAsync(Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        // COLLATE "C": by code point, as the other stores order names.
        await using var select = Command($"SELECT {SlashCommandColumns} FROM slash_commands WHERE workspace_id = $1 ORDER BY name COLLATE \"C\"").With(Uuid(workspaceId));
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
        await using var delete = Command("DELETE FROM slash_commands WHERE workspace_id = $1 AND name = $2").With(Uuid(workspaceId), name);
        return await delete.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private static SlashCommand ReadSlashCommand(NpgsqlDataReader reader) =>
        new(reader.GetUlid(1), reader.GetUlid(0), reader.GetString(2), reader.GetNullableUlid(3), reader.GetString(4), reader.GetNullableString(5),
            reader.GetFieldValue<byte[]>(6), reader.GetUlid(7), reader.GetTime(8), reader.GetTime(9)) { Url = reader.GetNullableString(10) };
}
