using Microsoft.Extensions.Logging;
using NUlid;
using Tanager.Internal;

namespace Tanager;

/// <summary>
/// The security audit log: services record sign-ins, second-factor changes, credentials made and revoked, role and
/// password changes here; server administrators read it. Nothing secret is ever recorded (no password, token or code).
/// </summary>
public sealed class AuditLog(IAuditStore store, TimeProvider time, ILogger<AuditLog> logger)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>A page of events, newest first: those older than the event <paramref name="before"/> when given, and only one account's when <paramref name="user"/> is given.</summary>
    public async Task<IReadOnlyList<AuditEvent>> ListAsync(Caller caller, string? before, int? limit, string? user = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsServerAdministrator)
        {
            throw TanagerException.Forbidden("Server administrators only.");
        }
        var size = Validate.Limit(limit, DefaultPageSize, MaxPageSize);
        Ulid? beforeId = before is null ? null : Ulid.TryParse(before, out var b) ? b : throw TanagerException.Invalid("before must be an event id.");
        Ulid? userId = user is null ? null : Ulid.TryParse(user, out var u) ? u : throw TanagerException.Invalid("user must be a user id.");
        return await store.ListAuditEventsAsync(beforeId, size, userId, cancellationToken);
    }

    /// <summary>
    /// Adds an event. A store failure is logged, not thrown: signing in and revoking must keep working while the log's
    /// table is unreachable, and the error log shows the gap.
    /// </summary>
    internal async Task RecordAsync(string kind, Ulid? userId, Ulid? actorId = null, ClientInfo? client = null, string? detail = null, CancellationToken cancellationToken = default)
    {
        var now = time.UtcNow();
        var auditEvent = new AuditEvent(Ulid.NewUlid(now), kind, now)
        {
            ActorId = actorId,
            UserId = userId,
            IpAddress = client?.IpAddress,
            UserAgent = client?.TrimmedUserAgent,
            Detail = detail is { Length: > MaxDetailLength } ? detail[..MaxDetailLength] : detail,
        };
        Log.SecurityEvent(logger, kind, userId?.ToString(), actorId?.ToString());
        try
        {
            await store.AddAuditEventAsync(auditEvent, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.AuditWriteFailed(logger, exception, kind, userId?.ToString());
        }
    }

    internal Task RecordAsync(string kind, Caller caller, Ulid? userId, string? detail = null, CancellationToken cancellationToken = default) =>
        RecordAsync(kind, userId, caller.UserId, null, detail, cancellationToken);

    /// <summary>A detail is a short note (an email, a role, an id), cut here so that no input makes a row large.</summary>
    private const int MaxDetailLength = 300;
}
