namespace Tanager.Protocol;

/// <summary>One security event of the audit log (admin API). <c>actor_id</c> is all zeros for the command line.</summary>
public sealed record AuditEventDto
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public string? ActorId { get; init; }
    public string? UserId { get; init; }
    public string? IpAddress { get; init; }
    public string? UserAgent { get; init; }
    public string? Detail { get; init; }
}
