namespace Tanager;

/// <summary>Engine settings. Bound from configuration section <c>Tanager</c> by the server; embedders set them in <c>AddTanager(o => …)</c>.</summary>
public sealed class TanagerOptions
{
    /// <summary>Argon2id memory cost in KiB. 19 MiB with 2 passes is OWASP's 2023 minimum for Argon2id.</summary>
    public int PasswordMemoryKiB { get; set; } = 19 * 1024;
    /// <summary>Argon2id passes (time cost).</summary>
    public int PasswordIterations { get; set; } = 2;
    /// <summary>
    /// Password hashes (and checks) computed at once. Each holds <see cref="PasswordMemoryKiB"/> and a core for its
    /// duration, so a login flood is held to this many cores and this much memory; the rest of the server keeps running.
    /// Default: half the processor count (at least one), so a flood of logins from many addresses, which throttling
    /// cannot hold back, leaves the other half to message delivery (measured in benchmarks/README.md, "Login flood").
    /// </summary>
    public int PasswordHashConcurrency { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);
    /// <summary>
    /// Password checks that may wait for a slot; more are refused at once with 503 and Retry-After. A waiting check
    /// holds no hash memory, only its request. 16 per slot: at 50–200 ms a hash (19 MiB, 2 passes; ~0.2 s on a small
    /// VM) the last in line waits 1–3 s, within a person's patience at a login form, and a burst of a team signing in at
    /// once still fits.
    /// </summary>
    public int PasswordHashQueueLimit { get; set; } = 16 * Math.Max(1, Environment.ProcessorCount / 2);
    /// <summary>
    /// The share of one core's time that password hashing may take on average (0.5 = half a core), measured as the
    /// hashing thread's CPU time (its elapsed time where the OS does not tell), so that a check slowed down by a busy
    /// machine costs what it used. A check that would go over the budget waits its turn (in the queue above, then 503),
    /// so a login flood from many addresses, which per-address throttling cannot hold back, slows logins and not message
    /// delivery. 0 turns the budget off. Default: a fortieth of the machine (0.025 × the processor count, at least 0.05
    /// of one core): on 2 cores, at ~17 ms a check, about three checks a second after a burst of
    /// <see cref="PasswordHashBurst"/>. A flood's cost is almost all hashing (half of it the kernel handing each check
    /// 19 MiB of fresh memory): on 2 cores, a 100-address flood raised live delivery's p99 by ~40 % at a quarter of a
    /// core and by ~15 % at 0.05 (benchmarks/README.md, "Login flood").
    /// </summary>
    public double PasswordHashTimeBudget { get; set; } = Math.Max(0.05, 0.025 * Environment.ProcessorCount);
    /// <summary>
    /// Hashing time that may be spent at once before <see cref="PasswordHashTimeBudget"/> applies: a team signing in at
    /// the start of the day (1 s ≈ 30–60 checks at 17–30 ms) is not slowed.
    /// </summary>
    public TimeSpan PasswordHashBurst { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>How long an account's two-factor challenge (the step between password and code) stays valid.</summary>
    public TimeSpan TwoFactorChallengeLifetime { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>The issuer authenticator apps show next to the account (the <c>otpauth://</c> URI's issuer).</summary>
    public string TwoFactorIssuer { get; set; } = "Tanager";
    /// <summary>How long a login session lasts at the most (its absolute lifetime), however often it is used.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);
    /// <summary>A login session unused for this long ends (its idle lifetime). Bot tokens do not idle out.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromDays(7);
    /// <summary>How often expired and idle sessions are deleted from the store.</summary>
    public TimeSpan SessionPurgeInterval { get; set; } = TimeSpan.FromHours(1);
    /// <summary>How long a gateway ticket may wait for its connection: long enough for a page to open a WebSocket.</summary>
    public TimeSpan GatewayTicketLifetime { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// Who may register with a password. The first account on a fresh server may even when invite-only, and becomes its
    /// administrator; when closed, nobody may. Apps using host identity close it: their users sign in through the app.
    /// </summary>
    public RegistrationPolicy Registration { get; set; } = RegistrationPolicy.Open;
    /// <summary>On shutdown, how long to wait for gateway clients to leave after RECONNECT before the process exits.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// Parallel group-commit lanes for sends. Each lane has one write in flight; 4 keeps a 2-core database busy while
    /// leaving room for reads.
    /// </summary>
    public int SendLanes { get; set; } = 4;
    /// <summary>The most sends one store write takes. 256 rows of ~500 B is ~128 KB per statement.</summary>
    public int SendBatchSize { get; set; } = 256;
    /// <summary>Sends waiting per lane before senders are made to wait.</summary>
    public int SendQueueCapacity { get; set; } = 4096;
    /// <summary>
    /// Whether a workspace owner or admin may add an existing account directly, named by <c>user_id</c>, without the
    /// person accepting. Off by default: every add is an invitation the invitee accepts. Adding by email is an invitation
    /// under either setting, so the answer never tells whether an account with that email exists.
    /// </summary>
    public bool AllowDirectMemberAdd { get; set; }
    /// <summary>How long a personal workspace invitation waits for its invitee: 7 days, as Slack's and GitHub's do.</summary>
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(7);
    /// <summary>
    /// Browser origins other than the server's own (<c>scheme://host[:port]</c>) allowed to use the API: the gateway and
    /// the event stream refuse an upgrade whose <c>Origin</c> is neither this server's host nor listed here (403), and
    /// <c>tanager serve</c> answers CORS requests from them. Empty by default: same origin only. Clients that are not
    /// browsers send no <c>Origin</c> and are not affected.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = new List<string>();
    /// <summary>Throttling of logins, registrations, REST requests, uploads and connections.</summary>
    public RateLimitOptions RateLimits { get; } = new();
    public GatewayOptions Gateway { get; } = new();
    /// <summary>Sign-in through identity providers (OpenID Connect, GitHub); none by default.</summary>
    public SingleSignOnOptions Sso { get; } = new();
    /// <summary>File limits (size, quota, content types) and lifetimes.</summary>
    public AttachmentOptions Attachments { get; } = new();
    /// <summary>Email notifications for people who are away; off until an SMTP host is set.</summary>
    public EmailNotificationOptions Email { get; } = new();
    /// <summary>Web Push to the browsers people subscribed, for mentions and direct messages while they are away; on by default.</summary>
    public WebPushOptions WebPush { get; } = new();
    /// <summary>Outgoing webhooks: retries, timeouts and which addresses they may reach.</summary>
    public OutgoingWebhookOptions OutgoingWebhooks { get; } = new();
}
