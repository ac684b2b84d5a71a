namespace Tanager;

/// <summary>How a caller proved who they are. The first three are stored as <see cref="UserSession"/> rows (by number).</summary>
public enum CredentialKind
{
    /// <summary>A person's login (email and password): lives for <see cref="TanagerOptions.SessionLifetime"/>, ends when idle.</summary>
    Login = 0,
    /// <summary>A bot's long-lived token, limited by its scopes; lives until revoked.</summary>
    BotToken = 1,
    /// <summary>A single-use ticket for one gateway or event-stream connection, issued to an authenticated caller.</summary>
    GatewayTicket = 2,
    /// <summary>A server API key, acting as a user it names (never stored as a session).</summary>
    ApiKey = 3,
    /// <summary>The embedding app's own authentication (host identity; never stored as a session).</summary>
    Host = 4,
    /// <summary>The <c>tanager admin</c> command line, run on the server's machine against its store.</summary>
    Console = 5,
    /// <summary>
    /// The one-time code that ends a browser single sign-on: single use, <see cref="SingleSignOnOptions.CodeLifetime"/>,
    /// never a bearer token; only <see cref="ExternalLoginService.ExchangeAsync"/> reads it.
    /// </summary>
    SsoCode = 7,
    /// <summary>A signed-in user's single-use ticket that starts linking an identity provider to their account.</summary>
    SsoLinkTicket = 8,
    /// <summary>
    /// The step between a right password and a second-factor code: single use, short-lived
    /// (<see cref="TanagerOptions.TwoFactorChallengeLifetime"/>), stored as a hash like the others, and good for nothing
    /// but completing that login.
    /// </summary>
    TwoFactorChallenge = 6,
}
