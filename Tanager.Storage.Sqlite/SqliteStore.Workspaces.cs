using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

public sealed partial class SqliteStore
{
    public async ValueTask CreateAsync(Workspace workspace, WorkspaceMember owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(owner);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = Command(connection, "INSERT INTO workspaces (id, name, owner_id, created_at, updated_at) VALUES ($id, $name, $owner, $created, $updated)", transaction)
            .With("$id", Blob(workspace.Id)).With("$name", workspace.Name).With("$owner", Blob(workspace.OwnerId))
            .With("$created", Ticks(workspace.CreatedAt)).With("$updated", Ticks(workspace.UpdatedAt)))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var member = InsertWorkspaceMember(connection, owner, transaction))
        {
            await member.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    async ValueTask<Workspace?> IWorkspaceStore.GetAsync(Ulid workspaceId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {WorkspaceColumns} FROM workspaces WHERE id = $id").With("$id", Blob(workspaceId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadWorkspace(reader) : null;
    }

    private const string WorkspaceColumns = "id, name, owner_id, created_at, updated_at";

    /// <summary>A row of <see cref="WorkspaceColumns"/>.</summary>
    private static Workspace ReadWorkspace(Microsoft.Data.Sqlite.SqliteDataReader reader) =>
        new(reader.GetUlid(0), reader.GetString(1), reader.GetUlid(2), reader.GetTime(3), reader.GetTime(4));

    async ValueTask<IReadOnlyList<Workspace>> IWorkspaceStore.ListAsync(Ulid? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {WorkspaceColumns} FROM workspaces WHERE $after IS NULL OR id > $after ORDER BY id LIMIT $limit")
            .With("$after", after is { } a ? Blob(a) : null).With("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var workspaces = new List<Workspace>();
        while (await reader.ReadAsync(cancellationToken))
        {
            workspaces.Add(ReadWorkspace(reader));
        }
        return workspaces;
    }

    public async ValueTask<WorkspaceMember?> GetMemberAsync(Ulid workspaceId, Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT workspace_id, user_id, role, joined_at FROM workspace_members WHERE workspace_id = $ws AND user_id = $user")
            .With("$ws", Blob(workspaceId)).With("$user", Blob(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadWorkspaceMember(reader, 0) : null;
    }

    public async ValueTask<bool> TryAddMemberAsync(WorkspaceMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = InsertWorkspaceMember(connection, member, null);
        command.CommandText += " ON CONFLICT DO NOTHING";
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<IReadOnlyList<WorkspaceMember>> ListMembersAsync(Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT workspace_id, user_id, role, joined_at FROM workspace_members WHERE workspace_id = $ws ORDER BY joined_at, user_id")
            .With("$ws", Blob(workspaceId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var members = new List<WorkspaceMember>();
        while (await reader.ReadAsync(cancellationToken))
        {
            members.Add(ReadWorkspaceMember(reader, 0));
        }
        return members;
    }

    public async ValueTask<IReadOnlyList<(Workspace Workspace, WorkspaceMember Member)>> ListForUserAsync(Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT w.id, w.name, w.owner_id, w.created_at, w.updated_at, m.workspace_id, m.user_id, m.role, m.joined_at
            FROM workspace_members m JOIN workspaces w ON w.id = m.workspace_id
            WHERE m.user_id = $user ORDER BY w.id
            """).With("$user", Blob(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<(Workspace, WorkspaceMember)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add((ReadWorkspace(reader), ReadWorkspaceMember(reader, 5)));
        }
        return result;
    }

    private static Microsoft.Data.Sqlite.SqliteCommand InsertWorkspaceMember(Microsoft.Data.Sqlite.SqliteConnection connection, WorkspaceMember member, Microsoft.Data.Sqlite.SqliteTransaction? transaction) =>
        Command(connection, "INSERT INTO workspace_members (workspace_id, user_id, role, joined_at) VALUES ($ws, $user, $role, $joined)", transaction)
            .With("$ws", Blob(member.WorkspaceId)).With("$user", Blob(member.UserId)).With("$role", member.Role.ToWire()).With("$joined", Ticks(member.JoinedAt));

    private static WorkspaceMember ReadWorkspaceMember(Microsoft.Data.Sqlite.SqliteDataReader reader, int first) =>
        new(reader.GetUlid(first), reader.GetUlid(first + 1), DtoMapping.ParseRole(reader.GetString(first + 2)), reader.GetTime(first + 3));
}
