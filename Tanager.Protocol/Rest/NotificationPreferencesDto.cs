namespace Tanager.Protocol;

/// <summary>The caller's notification preferences (GET and PUT /users/me/notification-preferences).</summary>
public sealed record NotificationPreferencesDto
{
    /// <summary>Which unread messages are emailed while away: <c>all</c>, <c>mentions</c> (mentions and direct messages; the default) or <c>none</c>.</summary>
    public string? Email { get; init; }
    /// <summary>Channels that never cause an email.</summary>
    public IReadOnlyList<string?>? MutedChannels { get; init; }
    /// <summary>
    /// A daily window without notification email, in the person's time zone; absent when none. In a PUT, absent keeps
    /// the current window and an empty object (<c>{}</c>) removes it.
    /// </summary>
    public QuietHoursDto? QuietHours { get; init; }
}

/// <summary>Quiet hours: <c>start</c> and <c>end</c> as <c>HH:mm</c> (24-hour; start after end spans midnight), and an IANA <c>time_zone</c>.</summary>
public sealed record QuietHoursDto
{
    public string? Start { get; init; }
    public string? End { get; init; }
    public string? TimeZone { get; init; }
}
