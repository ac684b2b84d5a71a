namespace Tanager;

/// <summary>Sign-in through outside identity providers (OpenID Connect, GitHub's OAuth 2.0). Bound from <c>Tanager:Sso</c>.</summary>
public sealed class SingleSignOnOptions
{
    /// <summary>The providers offered, each under its own <see cref="SsoProviderOptions.Name"/>; several at once are fine.</summary>
    public IList<SsoProviderOptions> Providers { get; } = new List<SsoProviderOptions>();

    /// <summary>
    /// How long the one-time code that ends a browser sign-in may wait for its exchange. The page it lands on exchanges it
    /// at once; 60 s leaves room for a slow phone and little for anyone who copies it from a history entry.
    /// </summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a signed-in user's link ticket (from <c>POST /auth/sso/{provider}/link</c>) may wait to start linking.</summary>
    public TimeSpan LinkTicketLifetime { get; set; } = TimeSpan.FromMinutes(2);
}
