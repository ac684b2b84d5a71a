using System.Text.Json;

namespace Tanager.Protocol;

/// <summary>A delivery whose every attempt failed, kept until it is replayed or its subscription deleted.</summary>
public sealed record DeadLetterDto
{
    /// <summary>The delivery's id: the <c>id</c> of its body and its <c>Tanager-Delivery</c> header.</summary>
    public required string Id { get; init; }
    public required string SubscriptionId { get; init; }
    public required string EventType { get; init; }
    public required int Attempts { get; init; }
    /// <summary>What the last attempt met: <c>HTTP 503</c>, a timeout, a refused connection.</summary>
    public string? LastError { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset DeadAt { get; init; }
    /// <summary>The body that was POSTed, as it will be POSTed again.</summary>
    public required JsonElement Body { get; init; }
}
