namespace Tanager.Protocol;

/// <summary>Queues dead letters again: those named, or all of the subscription's when <see cref="DeliveryIds"/> is omitted.</summary>
public sealed record ReplayDeadLettersRequest
{
    public IReadOnlyList<string>? DeliveryIds { get; init; }
}
