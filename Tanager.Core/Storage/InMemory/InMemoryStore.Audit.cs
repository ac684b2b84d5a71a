using NUlid;

namespace Tanager;

public sealed partial class InMemoryStore : IAuditStore
{
    private readonly SortedList<Ulid, AuditEvent> _auditEvents = [];

    public ValueTask AddAuditEventAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        lock (_lock)
        {
            _auditEvents.Add(auditEvent.Id, auditEvent);
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<AuditEvent>> ListAuditEventsAsync(Ulid? before, int limit, Ulid? userId = null, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult<IReadOnlyList<AuditEvent>>([.. _auditEvents.Values
                .Reverse()
                .Where(e => (before is null || e.Id.CompareTo(before.Value) < 0) && (userId is null || e.UserId == userId))
                .Take(limit)]);
        }
    }
}
