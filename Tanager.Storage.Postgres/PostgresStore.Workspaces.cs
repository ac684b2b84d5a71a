using Npgsql;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

public sealed partial class PostgresStore
{
    private const string WorkspaceMemberColumns = "workspace_id, user_id, role, joined_at";

    public async ValueTask CreateAsync(Workspace workspace, WorkspaceMember owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(owner);
        // One round trip, one transaction: both rows or neither.
        await using var batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO workspaces (id, name, owner_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)")
        {
            Parameters = { new() { Value = Uuid(workspace.Id) }, new() { Value = workspace.Name }, new() { Value = Uuid(workspace.OwnerId) }, new() { Value = workspace.CreatedAt }, new() { Value = workspace.UpdatedAt } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"INSERT INTO workspace_members ({WorkspaceMemberColumns}) VALUES ($1, $2, $3, $4)")
        {
            Parameters = { new() { Value = Uuid(owner.WorkspaceId) }, new() { Value = Uuid(owner.UserId) }, new() { Value = owner.Role.ToWire() }, new() { Value = owner.JoinedAt } },
        });
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    async ValueTask<Workspace?> IWorkspaceStore.GetAsync(Ulid workspaceId, CancellationToken cancellationToken)
    {
        await using var command = Command($"SELECT {WorkspaceColumns} FROM workspaces WHERE id = $1").With(Uuid(workspaceId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadWorkspace(reader) : null;
    }

    private const string WorkspaceColumns = "id, name, owner_id, created_at, updated_at";

    /// <summary>A row of <see cref="WorkspaceColumns"/>.</summary>
    private static Workspace ReadWorkspace(NpgsqlDataReader reader) =>
        new(reader.GetUlid(0), reader.GetString(1), reader.GetUlid(2), reader.GetTime(3), reader.GetTime(4));

    async ValueTask<IReadOnlyList<Workspace>> IWorkspaceStore.ListAsync(Ulid? after, int limit, CancellationToken cancellationToken)
    {
        await using var command = Command($"SELECT {WorkspaceColumns} FROM workspaces WHERE $1::uuid IS NULL OR id > $1 ORDER BY id LIMIT $2")
            .With(after is { } a ? Uuid(a) : null, limit);
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
        await using var command = Command($"SELECT {WorkspaceMemberColumns} FROM workspace_members WHERE workspace_id = $1 AND user_id = $2").With(Uuid(workspaceId), Uuid(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadWorkspaceMember(reader, 0) : null;
    }

    public async ValueTask<bool> TryAddMemberAsync(WorkspaceMember member, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(member);
        await using var command = Command($"INSERT INTO workspace_members ({WorkspaceMemberColumns}) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
            .With(Uuid(member.WorkspaceId), Uuid(member.UserId), member.Role.ToWire(), member.JoinedAt);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask<IReadOnlyList<WorkspaceMember>> ListMembersAsync(Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT {WorkspaceMemberColumns} FROM workspace_members WHERE workspace_id = $1 ORDER BY joined_at, user_id").With(Uuid(workspaceId));
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
        // Filters by user only, so under Citus this one fans out to every shard: it runs at login and READY, not per message.
        await using var command = Command("""
            SELECT w.id, w.name, w.owner_id, w.created_at, w.updated_at, m.workspace_id, m.user_id, m.role, m.joined_at
            FROM workspace_members m JOIN workspaces w ON w.id = m.workspace_id
            WHERE m.user_id = $1 ORDER BY w.id
            """).With(Uuid(userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var result = new List<(Workspace, WorkspaceMember)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add((ReadWorkspace(reader), ReadWorkspaceMember(reader, 5)));
        }
        return result;
    }

    private static WorkspaceMember ReadWorkspaceMember(NpgsqlDataReader reader, int first) =>
        new(reader.GetUlid(first), reader.GetUlid(first + 1), DtoMapping.ParseRole(reader.GetString(first + 2)), reader.GetTime(first + 3));
}
