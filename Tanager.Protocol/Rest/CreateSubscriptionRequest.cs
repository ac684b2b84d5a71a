namespace Tanager.Protocol;

/// <summary>Subscribes a URL to a workspace's events (an outgoing webhook).</summary>
public sealed record CreateSubscriptionRequest
{
    /// <summary>Where deliveries are POSTed: an absolute https URL (http and private addresses only where the server allows them).</summary>
    public string? Url { get; init; }
    /// <summary>
    /// The events wanted: <c>MESSAGE_CREATE</c>, <c>MESSAGE_MENTION</c> (messages that mention the subscriber),
    /// <c>REACTION_ADD</c>, <c>REACTION_REMOVE</c>, <c>CHANNEL_MEMBER_ADD</c>, <c>CHANNEL_MEMBER_REMOVE</c>,
    /// <c>WORKSPACE_MEMBER_ADD</c>, <c>WORKSPACE_MEMBER_REMOVE</c>.
    /// </summary>
    public IReadOnlyList<string>? Events { get; init; }
    /// <summary>The channels whose events are wanted; omitted: every channel the subscriber can see.</summary>
    public IReadOnlyList<string>? ChannelIds { get; init; }
}
