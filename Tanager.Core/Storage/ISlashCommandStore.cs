using NUlid;

namespace Tanager;

/// <summary>Slash commands, scoped to a workspace (distributed by workspace_id); a name is unique within its workspace.</summary>
public interface ISlashCommandStore
{
    /// <summary>Stores a new command; false when the workspace has a command of that name already.</summary>
    ValueTask<bool> TryCreateSlashCommandAsync(SlashCommand command, CancellationToken cancellationToken = default);
    /// <summary>
    /// Replaces the description, usage hint, URL and updated time of the command with this id; false when there is none, or
    /// when one of the stored command and <paramref name="command"/> has a URL and the other has not (a bot's command stays a bot's).
    /// </summary>
    ValueTask<bool> UpdateSlashCommandAsync(SlashCommand command, CancellationToken cancellationToken = default);
    /// <summary>The workspace's command of this name; null when there is none.</summary>
    ValueTask<SlashCommand?> GetSlashCommandAsync(Ulid workspaceId, string name, CancellationToken cancellationToken = default);
    /// <summary>The workspace's commands, by name.</summary>
    ValueTask<IReadOnlyList<SlashCommand>> ListSlashCommandsAsync(Ulid workspaceId, CancellationToken cancellationToken = default);
    /// <summary>Deletes the workspace's command of this name; false when there was none.</summary>
    ValueTask<bool> DeleteSlashCommandAsync(Ulid workspaceId, string name, CancellationToken cancellationToken = default);
}
