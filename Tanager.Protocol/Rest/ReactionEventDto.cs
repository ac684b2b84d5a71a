namespace Tanager.Protocol;

/// <summary>
/// The payload of REACTION_ADD and REACTION_REMOVE: who added or removed which emoji on which message, and the channel
/// change sequence the change took (the message's <c>change_sequence</c> from then on).
/// </summary>
public sealed record ReactionEventDto
{
    public required string WorkspaceId { get; init; }
    public required string ChannelId { get; init; }
    public required string MessageId { get; init; }
    public required string UserId { get; init; }
    public required string Emoji { get; init; }
    public required long ChangeSequence { get; init; }
}
