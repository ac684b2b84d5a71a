namespace Tanager;

/// <summary>
/// Web Push (RFC 8030, with VAPID, RFC 8292, and message encryption, RFC 8291) to the browsers people subscribed from
/// the web client: mentions and direct messages they have not read within <see cref="Delay"/> while they are away.
/// On by default; it needs nothing configured, since the VAPID key pair is made by the first node and kept in the store.
/// </summary>
public sealed class WebPushOptions
{
    /// <summary>Whether push notifications are sent and browsers may subscribe. On by default.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>
    /// Who runs this server, for push services to contact (the VAPID <c>sub</c> claim): a <c>mailto:</c> or <c>https:</c>
    /// URL. Unset, it is <see cref="EmailNotificationOptions.PublicBaseUrl"/> when that is https, and otherwise
    /// <c>mailto:webpush@tanager.invalid</c>; set it in production (some push services refuse a subject that is not real).
    /// </summary>
    public string? Subject { get; set; }
    /// <summary>
    /// How long a mention or direct message waits unread before it is pushed: 10 s, time for a tab that is open
    /// elsewhere to mark it read, short enough to be a notification rather than a digest.
    /// </summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How often the notifier looks for messages that became due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>How long a push service keeps a message for a browser that is offline (the TTL header): 1 day.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(1);
    /// <summary>Browsers one person may subscribe; saving one more removes their oldest.</summary>
    public int MaxSubscriptionsPerUser { get; set; } = 10;
    /// <summary>
    /// Whether subscription endpoints may be plain http or point at loopback, private or link-local addresses. Off: real
    /// push services are public https, and an endpoint is a URL a member supplies, which must not turn the server into a
    /// way to reach its own network. Tests turn it on to run a push service on loopback.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }
}
