using System.Text;
using NUlid;
using static Tanager.Storage.Sqlite.Internal.SqliteValues;

namespace Tanager.Storage.Sqlite;

/// <summary>The security audit log.</summary>
public sealed partial class SqliteStore : IAuditStore
{
    private const string AuditColumns = "id, kind, occurred_at, actor_id, user_id, ip_address, user_agent, detail";

    public async ValueTask AddAuditEventAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"INSERT INTO audit_events ({AuditColumns}) VALUES ($id, $kind, $at, $actor, $user, $ip, $agent, $detail)")
            .With("$id", Blob(auditEvent.Id)).With("$kind", auditEvent.Kind).With("$at", Ticks(auditEvent.OccurredAt)).With("$actor", Blob(auditEvent.ActorId))
            .With("$user", Blob(auditEvent.UserId)).With("$ip", auditEvent.IpAddress).With("$agent", auditEvent.UserAgent).With("$detail", auditEvent.Detail);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<AuditEvent>> ListAuditEventsAsync(Ulid? before, int limit, Ulid? userId = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var sql = new StringBuilder($"SELECT {AuditColumns} FROM audit_events WHERE 1 = 1");
        await using var command = Command(connection, "").With("$limit", limit);
        if (before is { } b)
        {
            sql.Append(" AND id < $before");
            command.With("$before", Blob(b));
        }
        if (userId is { } u)
        {
            sql.Append(" AND user_id = $user");
            command.With("$user", Blob(u));
        }
        command.CommandText = sql.Append(" ORDER BY id DESC LIMIT $limit").ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<AuditEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new AuditEvent(reader.GetUlid(0), reader.GetString(1), reader.GetTime(2))
            {
                ActorId = reader.GetNullableUlid(3),
                UserId = reader.GetNullableUlid(4),
                IpAddress = reader.GetNullableString(5),
                UserAgent = reader.GetNullableString(6),
                Detail = reader.GetNullableString(7),
            });
        }
        return events;
    }
}
