using System.Data.Common;
using NUlid;
using Tanager.Storage.Relational.Internal;

namespace Tanager.Storage.Relational;

/// <summary>
/// The two reads on the path of every request and send, written as SQL by hand (the same text in both dialects) and read
/// straight off the data reader, without a query translation in between: the session lookup and the access check.
/// </summary>
public abstract partial class RelationalStore
{
    private static readonly string SessionLookupSql = $"""
        SELECT {StoredRows.Of("s", StoredRows.SessionColumns)}, {StoredRows.Of("u", StoredRows.UserColumns)}
        FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = @hash
        """;

    private static readonly string AccessSql = $"""
        SELECT wm.role, cm.user_id IS NOT NULL, {StoredRows.Of("c", StoredRows.ChannelColumns)}
        FROM workspace_members wm
        LEFT JOIN channels c ON c.workspace_id = wm.workspace_id AND c.id = @ch AND c.deleted_at IS NULL
        LEFT JOIN channel_members cm ON cm.workspace_id = wm.workspace_id AND cm.channel_id = @ch AND cm.user_id = wm.user_id
        WHERE wm.workspace_id = @ws AND wm.user_id = @user
        """;

    /// <summary>The session a token's hash belongs to, with its user: one joined statement.</summary>
    public async ValueTask<SignedInUser?> GetSessionAsync(byte[] tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, SessionLookupSql, ("hash", tokenHash));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new SignedInUser(Rows.Session(reader), Rows.User(reader, StoredRows.SessionColumnCount)) : null;
    }

    /// <summary>The user's workspace role, the channel (when live) and whether they are in it: one joined statement; null when not a member.</summary>
    public async ValueTask<ChannelAccess?> GetAccessAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = Command(connection, AccessSql, ("ws", Rows.Value(workspaceId)), ("ch", Rows.Value(channelId)), ("user", Rows.Value(userId)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new ChannelAccess(DtoMapping.ParseRole(reader.GetString(0)), reader.IsDBNull(3) ? null : Rows.Channel(reader, 2), reader.GetBoolean(1));
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
