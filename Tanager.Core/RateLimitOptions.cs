namespace Tanager;

/// <summary>
/// Throttling at the edge (configuration section <c>Tanager:RateLimits</c>). Each limit is a <see cref="RateLimit"/>
/// token bucket keyed as its name says; an address is the client's as seen behind trusted proxies. A refusal is a 429
/// problem with <c>Retry-After</c>. The defaults leave a person, a busy bot and an office behind one NAT address alone
/// and stop floods; docs/security.md ("Throttling") explains each number.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Off turns every limit here off (load tests, a server behind its own throttling proxy).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Login attempts from one address, whatever the account: 30 a minute, then one every 2 s.</summary>
    public RateLimit LoginPerAddress { get; } = new(30, TimeSpan.FromMinutes(1));

    /// <summary>
    /// Login attempts for one account from one address: 5 at once, then one every 12 s. Keyed by the pair, so a guesser's
    /// address never blocks the owner's.
    /// </summary>
    public RateLimit LoginPerAccountAndAddress { get; } = new(5, TimeSpan.FromMinutes(1));

    /// <summary>
    /// The second stage for the same pair: after 20 attempts within an hour, one every 3 minutes. With the first stage
    /// this makes the delay grow (12 s, then 180 s) for a guesser who keeps going.
    /// </summary>
    public RateLimit LoginPerAccountAndAddressSustained { get; } = new(20, TimeSpan.FromHours(1));

    /// <summary>
    /// Login attempts for one account from all addresses together: 100 an hour, then one every 36 s. Looser than the
    /// pair limits and reached only by attempts the pair limits let through, so one address cannot use it up quickly;
    /// it slows guessing spread over many addresses.
    /// </summary>
    public RateLimit LoginPerAccount { get; } = new(100, TimeSpan.FromHours(1));

    /// <summary>Registrations from one address: 20 an hour, then one every 3 minutes.</summary>
    public RateLimit RegisterPerAddress { get; } = new(20, TimeSpan.FromHours(1));

    /// <summary>Authenticated REST requests of one user (a person, a bot, an API key acting as a user): 600 at once, then 20 a second.</summary>
    public RateLimit RestPerUser { get; } = new(600, TimeSpan.FromSeconds(30));

    /// <summary>Upload slots (<c>POST …/attachments</c>) one user may start: 30 at once, then one every 2 s.</summary>
    public RateLimit UploadsPerUser { get; } = new(30, TimeSpan.FromMinutes(1));

    /// <summary>Posts through one incoming webhook: 60 at once, then one a second (Slack's pace for its webhooks).</summary>
    public RateLimit WebhookPosts { get; } = new(60, TimeSpan.FromMinutes(1));

    /// <summary>
    /// Later answers to one invocation of a URL's command (its <c>response_url</c>): 5 at once, then one every 3 minutes,
    /// so about as many as Slack allows in an invocation's 15 minutes.
    /// </summary>
    public RateLimit CommandResponses { get; } = new(5, TimeSpan.FromMinutes(15));

    /// <summary>Open gateway and event-stream connections of one user: enough for many tabs, devices and bots' shards.</summary>
    public int ConnectionsPerUser { get; set; } = 50;

    /// <summary>Open gateway and event-stream connections from one address, identified or not: room for an office behind one NAT.</summary>
    public int ConnectionsPerAddress { get; set; } = 256;

    /// <summary>
    /// Gateway connections from one address that have not identified yet. A client identifies within a round trip of
    /// HELLO, so 16 is plenty for real clients and stops socket floods (each held until <see cref="GatewayOptions.IdentifyTimeout"/>).
    /// </summary>
    public int UnidentifiedConnectionsPerAddress { get; set; } = 16;

    /// <summary>
    /// How long a refused sign-in or registration (429, and the 503 of a full password-hashing queue) waits before it is
    /// answered. A flood's clients send their next attempt when the answer comes, so this holds each connection to one
    /// attempt per delay whether it heeds <c>Retry-After</c> or not, for the price of a timer. 0 answers at once; at most 10 s.
    /// </summary>
    public TimeSpan SignInRefusalDelay { get; set; } = TimeSpan.FromSeconds(1);
}
