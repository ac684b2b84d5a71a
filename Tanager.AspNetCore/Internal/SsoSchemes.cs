using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using NUlid;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

/// <summary>
/// Configures one ASP.NET Core authentication scheme per configured identity provider: the OpenID Connect handler for
/// generic OIDC, Google and GitLab, the OAuth handler for GitHub. The handlers do the protocol (authorization code with
/// PKCE, state with a correlation cookie, nonce, id token validation); the events here add an exact issuer check and
/// hand the validated identity to <see cref="ExternalLoginService"/>.
/// </summary>
internal sealed class SsoSchemes(IOptions<TanagerOptions> tanager, SsoPaths paths)
    : IConfigureNamedOptions<OpenIdConnectOptions>, IConfigureNamedOptions<OAuthOptions>, IConfigureOptions<AuthenticationOptions>
{
    public const string ReturnToItem = "tanager.return_to";
    public const string LinkItem = "tanager.link";
    private const string SchemePrefix = "Tanager.Sso.";

    /// <summary>
    /// The handlers' sign-in scheme, a cookie that is never written: the sign-in ends in the TicketReceived event, which
    /// hands out a one-time code instead of a cookie. It exists because a remote handler asks its sign-in scheme who is
    /// signed in, and with no sign-in scheme it would ask the default scheme, which may be itself.
    /// </summary>
    public const string ExternalScheme = "Tanager.Sso.External";
    private const string GoogleIssuer = "https://accounts.google.com";
    private const string GitLabIssuer = "https://gitlab.com";

    public static string SchemeName(string provider) => SchemePrefix + provider;

    /// <summary>Registers a scheme per provider, so that several work at once and each has its own callback path.</summary>
    public void Configure(AuthenticationOptions options)
    {
        foreach (var provider in tanager.Value.Sso.Providers)
        {
            options.AddScheme(SchemeName(provider.Name), scheme =>
            {
                scheme.DisplayName = provider.DisplayName ?? provider.Name;
                scheme.HandlerType = provider.Kind == SsoProviderKind.GitHub ? typeof(OAuthHandler<OAuthOptions>) : typeof(OpenIdConnectHandler);
            });
        }
    }

    public void Configure(OpenIdConnectOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, OpenIdConnectOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Find(name) is not { Kind: not SsoProviderKind.GitHub } provider)
        {
            return;
        }
        var issuer = provider.Kind switch
        {
            SsoProviderKind.Google => GoogleIssuer,
            SsoProviderKind.GitLab => string.IsNullOrWhiteSpace(provider.Issuer) ? GitLabIssuer : provider.Issuer,
            _ => provider.Issuer!,
        };
        options.Authority = issuer;
        options.RequireHttpsMetadata = new Uri(issuer).Scheme == Uri.UriSchemeHttps;
        options.ClientId = provider.ClientId;
        options.ClientSecret = provider.ClientSecret;
        // The authorization code flow with PKCE (S256), the handler's default, stated so that no default can drop it.
        options.ResponseType = "code";
        options.UsePkce = true;
        // Answered with a top-level GET redirect, so that the correlation and nonce cookies can be SameSite=Lax: the
        // handler's default form_post needs SameSite=None, which browsers refuse without HTTPS.
        options.ResponseMode = "query";
        options.Scope.Clear();
        foreach (var scope in new[] { "openid", "email", "profile" }.Concat(provider.Scopes).Distinct(StringComparer.Ordinal))
        {
            options.Scope.Add(scope);
        }
        options.CallbackPath = paths.Callback(provider.Name);
        options.MapInboundClaims = false;
        // Providers that follow OpenID Connect's conformance put email and email_verified in the userinfo answer, not
        // the id token; the handler checks that its sub is the id token's.
        options.GetClaimsFromUserInfoEndpoint = true;
        options.ClaimActions.MapUniqueJsonKey("email_verified", "email_verified");
        options.SaveTokens = false;
        options.TokenValidationParameters.NameClaimType = "name";
        // The handler accepts the issuer that the discovery document names; OpenID Connect Discovery (§4.3) requires it
        // to be the configured one, so a document (or id token) naming any other is refused here.
        // Google documents both forms of its issuer in id tokens.
        string[] issuers = provider.Kind == SsoProviderKind.Google ? [GoogleIssuer, "accounts.google.com"] : [issuer.TrimEnd('/')];
        options.TokenValidationParameters.IssuerValidator = (tokenIssuer, _, _) =>
            issuers.Contains(tokenIssuer.TrimEnd('/'), StringComparer.Ordinal) ? tokenIssuer
            : throw new SecurityTokenInvalidIssuerException("The id token's issuer is not the configured issuer.");
        Cookies(options);
        options.Events = new OpenIdConnectEvents
        {
            OnTicketReceived = context => CompleteAsync(context, provider.Name),
            OnRemoteFailure = context => RefuseAsync(context, provider.Name),
        };
    }

    public void Configure(OAuthOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, OAuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Find(name) is not { Kind: SsoProviderKind.GitHub } provider)
        {
            return;
        }
        options.AuthorizationEndpoint = "https://github.com/login/oauth/authorize";
        options.TokenEndpoint = "https://github.com/login/oauth/access_token";
        options.UserInformationEndpoint = "https://api.github.com/user";
        options.ClientId = provider.ClientId;
        options.ClientSecret = provider.ClientSecret;
        options.UsePkce = true;
        options.Scope.Clear();
        foreach (var scope in new[] { "read:user", "user:email" }.Concat(provider.Scopes).Distinct(StringComparer.Ordinal))
        {
            options.Scope.Add(scope);
        }
        options.CallbackPath = paths.Callback(provider.Name);
        options.SaveTokens = false;
        Cookies(options);
        options.Events = new OAuthEvents
        {
            OnCreatingTicket = ReadGitHubUserAsync,
            OnTicketReceived = context => CompleteAsync(context, provider.Name),
            OnRemoteFailure = context => RefuseAsync(context, provider.Name),
        };
    }

    private SsoProviderOptions? Find(string? scheme) =>
        scheme is not null && scheme.StartsWith(SchemePrefix, StringComparison.Ordinal)
            ? tanager.Value.Sso.Providers.FirstOrDefault(p => string.Equals(p.Name, scheme[SchemePrefix.Length..], StringComparison.Ordinal))
            : null;

    /// <summary>
    /// The correlation (state) and nonce cookies: SameSite=Lax, which the top-level redirect back from the provider
    /// carries, and Secure whenever the request came over HTTPS (a loopback test server speaks plain HTTP).
    /// </summary>
    private void Cookies(RemoteAuthenticationOptions options)
    {
        options.SignInScheme = ExternalScheme;
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.CorrelationCookie.Path = paths.Sso;
        if (options is OpenIdConnectOptions oidc)
        {
            oidc.NonceCookie.SameSite = SameSiteMode.Lax;
            oidc.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            oidc.NonceCookie.Path = paths.Sso;
        }
    }

    /// <summary>GitHub is OAuth 2.0 only: the user is read from its REST API, and the email is its verified primary one.</summary>
    private static async Task ReadGitHubUserAsync(OAuthCreatingTicketContext context)
    {
        var user = await GetJsonAsync(context, context.Options.UserInformationEndpoint);
        var identity = context.Identity!;
        if (user.TryGetProperty("id", out var id))
        {
            identity.AddClaim(new Claim("sub", id.ToString()));
        }
        var name = user.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()
            : user.TryGetProperty("login", out var login) && login.ValueKind == JsonValueKind.String ? login.GetString() : null;
        if (name is not null)
        {
            identity.AddClaim(new Claim("name", name));
        }
        // /user shows only a public email; /user/emails lists every address with whether GitHub verified it.
        var emails = await GetJsonAsync(context, new Uri(new Uri(context.Options.UserInformationEndpoint), "/user/emails").ToString());
        if (emails.ValueKind == JsonValueKind.Array)
        {
            foreach (var email in emails.EnumerateArray())
            {
                if (email.TryGetProperty("primary", out var primary) && primary.ValueKind == JsonValueKind.True
                    && email.TryGetProperty("email", out var address) && address.ValueKind == JsonValueKind.String)
                {
                    identity.AddClaim(new Claim("email", address.GetString()!));
                    var verified = email.TryGetProperty("verified", out var v) && v.ValueKind == JsonValueKind.True;
                    identity.AddClaim(new Claim("email_verified", verified ? "true" : "false"));
                }
            }
        }
    }

    private static async Task<JsonElement> GetJsonAsync(OAuthCreatingTicketContext context, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", context.AccessToken);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Tanager", "1.0"));
        using var response = await context.Backchannel.SendAsync(request, context.HttpContext.RequestAborted);
        if (!response.IsSuccessStatusCode)
        {
            throw new TanagerException(TanagerErrorKind.Unauthorized, ErrorCodes.SsoFailed, $"GitHub's API answered {(int)response.StatusCode} when asked who signed in.");
        }
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(context.HttpContext.RequestAborted), cancellationToken: context.HttpContext.RequestAborted);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// The provider's answer passed every check: Tanager decides who this is (<see cref="ExternalLoginService.SignInAsync"/>)
    /// and sends the browser back to the app with a one-time code in the fragment, which no server or Referer sees.
    /// No cookie keeps the outside identity: the code is all that leaves this request.
    /// </summary>
    private static async Task CompleteAsync(TicketReceivedContext context, string provider)
    {
        try
        {
            var principal = context.Principal ?? throw new TanagerException(TanagerErrorKind.Unauthorized, ErrorCodes.SsoFailed, "The identity provider named no one.");
            var identity = new ExternalIdentity(provider, principal.FindFirst("sub")?.Value ?? "")
            {
                Email = principal.FindFirst("email")?.Value,
                EmailVerified = bool.TryParse(principal.FindFirst("email_verified")?.Value, out var verified) && verified,
                DisplayName = principal.FindFirst("name")?.Value,
            };
            var items = context.Properties?.Items ?? new Dictionary<string, string?>();
            var returnTo = items.TryGetValue(ReturnToItem, out var r) && r is not null ? r
                : throw new TanagerException(TanagerErrorKind.Unauthorized, ErrorCodes.SsoFailed, "The sign-in lost its return address: start again.");
            Ulid? linkTo = items.TryGetValue(LinkItem, out var l) && Ulid.TryParse(l, out var userId) ? userId : null;
            var sso = context.HttpContext.RequestServices.GetRequiredService<ExternalLoginService>();
            var code = await sso.SignInAsync(identity, linkTo, context.HttpContext.Client(), context.HttpContext.RequestAborted);
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Redirect($"{returnTo}#sso_code={Uri.EscapeDataString(code)}");
        }
        catch (TanagerException exception)
        {
            // Written here rather than thrown: the callback may be run by UseAuthentication() before routing reaches the
            // endpoint and its problem filter.
            await ProblemFilter.Problem(exception).ExecuteAsync(context.HttpContext);
        }
        context.HandleResponse();
    }

    /// <summary>
    /// A check failed (state, correlation cookie, nonce, PKCE at the token endpoint, issuer, signature) or the provider
    /// answered with an error: a problem document, with the reason in the log for the operator and not in the answer.
    /// </summary>
    private static async Task RefuseAsync(RemoteFailureContext context, string provider)
    {
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Tanager.AspNetCore.SingleSignOn");
        AspNetCoreLog.SsoRemoteFailure(logger, provider, context.Failure?.GetType().Name ?? "unknown", context.Failure?.Message ?? "");
        var refusal = new TanagerException(TanagerErrorKind.Unauthorized, ErrorCodes.SsoFailed,
            "Single sign-on failed: the identity provider's answer did not pass its checks. Start the sign-in again.");
        await ProblemFilter.Problem(refusal).ExecuteAsync(context.HttpContext);
        context.HandleResponse();
    }
}
