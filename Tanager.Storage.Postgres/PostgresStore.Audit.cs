using System.Globalization;
using System.Text;
using NUlid;
using Tanager.Storage.Postgres.Internal;
using static Tanager.Storage.Postgres.Internal.PostgresValues;

namespace Tanager.Storage.Postgres;

/// <summary>The security audit log; global (a reference table).</summary>
public sealed partial class PostgresStore : IAuditStore
{
    private const string AuditColumns = "id, kind, occurred_at, actor_id, user_id, ip_address, user_agent, detail";

    public async ValueTask AddAuditEventAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        await using var command = Command($"INSERT INTO audit_events ({AuditColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .With(Uuid(auditEvent.Id), auditEvent.Kind, auditEvent.OccurredAt, Uuid(auditEvent.ActorId), Uuid(auditEvent.UserId), auditEvent.IpAddress, auditEvent.UserAgent, auditEvent.Detail);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<AuditEvent>> ListAuditEventsAsync(Ulid? before, int limit, Ulid? userId = null, CancellationToken cancellationToken = default)
    {
        // Only the filters that were given: no untyped NULL parameters, and each statement is plain for the planner.
        var sql = new StringBuilder($"SELECT {AuditColumns} FROM audit_events WHERE true");
        var parameters = new List<object?>();
        if (before is { } b)
        {
            parameters.Add(Uuid(b));
            sql.Append(CultureInfo.InvariantCulture, $" AND id < ${parameters.Count}");
        }
        if (userId is { } u)
        {
            parameters.Add(Uuid(u));
            sql.Append(CultureInfo.InvariantCulture, $" AND user_id = ${parameters.Count}");
        }
        parameters.Add(limit);
        sql.Append(CultureInfo.InvariantCulture, $" ORDER BY id DESC LIMIT ${parameters.Count}");
        await using var command = Command(sql.ToString()).With([.. parameters]);
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
