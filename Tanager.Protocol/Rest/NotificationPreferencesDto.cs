namespace Tanager.Protocol;

/// <summary>The caller's notification preferences (GET and PUT /users/me/notification-preferences).</summary>
public sealed record NotificationPreferencesDto
{
    /// <summary>Which unread messages are emailed while away: <c>all</c>, <c>mentions</c> (mentions and direct messages; the default) or <c>none</c>.</summary>
    public string? Email { get; init; }
    /// <summary>Channels that never cause an email.</summary>
    public IReadOnlyList<string?>? MutedChannels { get; init; }
}
