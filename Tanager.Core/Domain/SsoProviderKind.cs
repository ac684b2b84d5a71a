namespace Tanager;

/// <summary>What protocol and addresses an identity provider uses.</summary>
public enum SsoProviderKind
{
    /// <summary>Any OpenID Connect provider (Keycloak, Authentik, Okta, Entra ID, …) named by its issuer.</summary>
    Oidc = 0,
    /// <summary>Google accounts (OpenID Connect, issuer https://accounts.google.com).</summary>
    Google = 1,
    /// <summary>GitLab.com or a self-managed GitLab (OpenID Connect).</summary>
    GitLab = 2,
    /// <summary>GitHub (OAuth 2.0: the user and their verified primary email are read from its REST API).</summary>
    GitHub = 3,
}
