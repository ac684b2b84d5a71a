using Tanager.Protocol;

namespace Tanager.Benchmarks;

/// <summary>A representative MESSAGE_CREATE: ULID-sized ids and a one-line message, about 400 bytes once enveloped.</summary>
internal static class SampleEvent
{
    public const string WorkspaceId = "01JD3Q8Z5K7M2N4P6R8T0V2X4Y";
    public const string ChannelId = "01JD3Q9A1B3C5D7E9F1G3H5J7K";

    /// <summary>The subject a channel's events are published to, shaped like <see cref="Subjects.Channel"/>.</summary>
    public const string Subject = $"ws.{WorkspaceId}.ch.{ChannelId}";

    /// <summary>The typed header <see cref="EventDispatcher"/> publishes the message with.</summary>
    public static EventHeader Header { get; } = EventHeader.ForChannel(GatewayEvents.MessageCreate, NUlid.Ulid.Parse(WorkspaceId), NUlid.Ulid.Parse(ChannelId), 48_213);

    public static MessageDto Message { get; } = new()
    {
        Id = "01JD3QA7M9N1P3Q5R7S9T1V3W5",
        WorkspaceId = WorkspaceId,
        ChannelId = ChannelId,
        AuthorId = "01JD3Q7X2Y4Z6A8B0C2D4E6F8G",
        Content = "Deploy is green on staging; I'll flip the feature flag for the fan-out path after lunch unless anyone objects.",
        Sequence = 48_213,
        ChangeSequence = 48_213,
        CreatedAt = new DateTimeOffset(2025, 11, 22, 12, 34, 56, 789, TimeSpan.Zero),
    };
}
