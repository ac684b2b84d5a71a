namespace Tanager;

/// <summary>One identity provider people may sign in with.</summary>
public sealed class SsoProviderOptions
{
    /// <summary>The provider's name in routes (<c>/auth/sso/{name}/start</c>): lowercase letters, digits and dashes; stored with each linked identity, so keep it.</summary>
    public string Name { get; set; } = "";

    /// <summary>What a sign-in page shows ("Sign in with …"); the name when empty.</summary>
    public string? DisplayName { get; set; }

    /// <summary>A generic OpenID Connect provider, or a preset that knows its provider's addresses.</summary>
    public SsoProviderKind Kind { get; set; } = SsoProviderKind.Oidc;

    /// <summary>
    /// The OpenID Connect issuer, exactly as the provider's discovery document and id tokens name it (metadata is read from
    /// <c>{Issuer}/.well-known/openid-configuration</c>). Required for <see cref="SsoProviderKind.Oidc"/>; for GitLab,
    /// a self-managed instance's address (default https://gitlab.com); Google's is fixed; unused for GitHub. HTTPS,
    /// except on a loopback address.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>The client id registered with the provider.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The client secret registered with the provider (from a secret store or environment variable, never logged).</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>Scopes asked for besides the preset's (<c>openid email profile</c>; GitHub: <c>read:user user:email</c>).</summary>
    public IList<string> Scopes { get; } = new List<string>();

    /// <summary>
    /// When true, an account with Tanager's two-factor sign-in is not asked for its code after signing in through this
    /// provider: set it only for a provider that enforces its own multi-factor sign-in. Default false: the second factor
    /// an account turned on is asked for whichever way it signs in.
    /// </summary>
    public bool TrustProviderTwoFactor { get; set; }
}
