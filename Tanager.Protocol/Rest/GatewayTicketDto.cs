namespace Tanager.Protocol;

/// <summary>
/// A single-use credential for one gateway IDENTIFY (or one SSE connection), for browsers whose WebSocket cannot send an
/// Authorization header. It expires after <see cref="ExpiresIn"/> seconds.
/// </summary>
public sealed record GatewayTicketDto
{
    public required string Ticket { get; init; }
    public required int ExpiresIn { get; init; }
}
