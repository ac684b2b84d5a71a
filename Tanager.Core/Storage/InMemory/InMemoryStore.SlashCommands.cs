using NUlid;

namespace Tanager;

public sealed partial class InMemoryStore : ISlashCommandStore
{
    private readonly Dictionary<(Ulid WorkspaceId, string Name), SlashCommand> _slashCommands = [];

    public ValueTask<bool> TryCreateSlashCommandAsync(SlashCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        lock (_lock)
        {
            return ValueTask.FromResult(_slashCommands.TryAdd((command.WorkspaceId, command.Name), command));
        }
    }

    public ValueTask<bool> UpdateSlashCommandAsync(SlashCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        lock (_lock)
        {
            // A bot's command stays a bot's and a URL's a URL's: the update changes the URL only of a command that has one.
            if (_slashCommands.Values.FirstOrDefault(c => c.WorkspaceId == command.WorkspaceId && c.Id == command.Id) is not { } stored
                || (stored.Url is null) != (command.Url is null))
            {
                return ValueTask.FromResult(false);
            }
            _slashCommands[(stored.WorkspaceId, stored.Name)] = stored with { Description = command.Description, UsageHint = command.UsageHint, Url = command.Url, UpdatedAt = command.UpdatedAt };
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<SlashCommand?> GetSlashCommandAsync(Ulid workspaceId, string name, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_slashCommands.GetValueOrDefault((workspaceId, name)));
        }
    }

    public ValueTask<IReadOnlyList<SlashCommand>> ListSlashCommandsAsync(Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<SlashCommand> commands = [.. _slashCommands.Values.Where(c => c.WorkspaceId == workspaceId).OrderBy(c => c.Name, StringComparer.Ordinal)];
            return ValueTask.FromResult(commands);
        }
    }

    public ValueTask<bool> DeleteSlashCommandAsync(Ulid workspaceId, string name, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_slashCommands.Remove((workspaceId, name)));
        }
    }
}
