using NUlid;

namespace Tanager;

/// <summary>The security audit log. Global, like users; rows are only added.</summary>
public interface IAuditStore
{
    ValueTask AddAuditEventAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="limit"/> events, newest first: those with an id below <paramref name="before"/> when given,
    /// and only those concerning <paramref name="userId"/> when given.
    /// </summary>
    ValueTask<IReadOnlyList<AuditEvent>> ListAuditEventsAsync(Ulid? before, int limit, Ulid? userId = null, CancellationToken cancellationToken = default);
}
