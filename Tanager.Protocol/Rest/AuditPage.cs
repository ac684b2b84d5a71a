namespace Tanager.Protocol;

/// <summary>A page of the audit log, newest first. <c>next_before</c> asks for the page after it; absent on the last page.</summary>
public sealed record AuditPage
{
    public required IReadOnlyList<AuditEventDto> Events { get; init; }
    public string? NextBefore { get; init; }
}
