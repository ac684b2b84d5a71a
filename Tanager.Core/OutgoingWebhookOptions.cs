namespace Tanager;

/// <summary>Outgoing webhooks (event subscriptions): how deliveries are retried, timed and where they may go.</summary>
public sealed class OutgoingWebhookOptions
{
    /// <summary>
    /// Attempts before a delivery becomes a dead letter: 8 attempts with the default delays span about 4 hours
    /// (1 min doubling to the 1 h cap), long enough to ride out a receiver's deploy or a short outage.
    /// </summary>
    public int MaxAttempts { get; set; } = 8;
    /// <summary>The wait after the first failed attempt; each later failure doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);
    /// <summary>A receiver that has not answered within 10 s (GitHub's limit for webhook receivers) has failed the attempt.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// How long a slash command routed to a URL waits for its receiver's answer: 3 s, Slack's limit for a command's
    /// answer, since the member who typed it is waiting. No answer within it is 502 command_failed, and no reply.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(3);
    /// <summary>How often the sender looks for due deliveries when nothing woke it (a new event on this node wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>
    /// Whether URLs (of subscriptions and of slash commands) may point at loopback, private, link-local or unique-local addresses. Off: a subscription must not
    /// turn the server into a way to reach its own network. Tests and single-machine setups turn it on;
    /// it also lets a slash command's URL be plain http (otherwise it must be https).
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }
    /// <summary>Subscriptions one workspace may have: every integration it runs, few enough that one event is cheap to fan out.</summary>
    public int MaxPerWorkspace { get; set; } = 20;
    /// <summary>
    /// How long a node keeps a workspace's list of subscriptions (every event asks for it). A subscription made or
    /// deleted on another node takes effect there within this time; messages created meanwhile are still queued.
    /// </summary>
    public TimeSpan SubscriptionCacheDuration { get; set; } = TimeSpan.FromSeconds(5);
}
