namespace Tanager;

/// <summary>
/// A token bucket: <see cref="Permits"/> may be used at once, and one more comes back every <see cref="Window"/> /
/// <see cref="Permits"/>. A caller who keeps to the average never waits; a burst waits only as long as the next permit
/// takes, which the 429's <c>Retry-After</c> says.
/// </summary>
public sealed class RateLimit
{
    public RateLimit()
    {
    }

    public RateLimit(int permits, TimeSpan window)
    {
        Permits = permits;
        Window = window;
    }

    /// <summary>The burst: how many may be used at once.</summary>
    public int Permits { get; set; }

    /// <summary>How long a full bucket takes to refill after it was emptied.</summary>
    public TimeSpan Window { get; set; }

    /// <summary>How long one permit takes to come back.</summary>
    public TimeSpan PermitInterval => Permits > 0 ? Window / Permits : Window;
}
