using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tanager;
using Tanager.AspNetCore.Internal;

namespace Microsoft.Extensions.DependencyInjection;

public static class TanagerSingleSignOnExtensions
{
    /// <summary>
    /// Lets people sign in through the identity providers of <see cref="TanagerOptions.Sso"/> (OpenID Connect, Google,
    /// GitLab, GitHub) on ASP.NET Core's own OpenID Connect and OAuth handlers, one authentication scheme per provider.
    /// <paramref name="prefix"/> is the one given to <c>MapTanager</c>: each provider's callback is
    /// <c>{prefix}/api/v1/auth/sso/{name}/callback</c>, the redirect URI to register with the provider. Several nodes
    /// must share ASP.NET Core data protection keys, since the sign-in's state is protected with them.
    /// </summary>
    public static TanagerBuilder AddSingleSignOn(this TanagerBuilder builder, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(prefix);
        var services = builder.Services;
        services.AddAuthentication().AddCookie(SsoSchemes.ExternalScheme, o =>
        {
            o.Cookie.Name = "tanager_sso";
            o.Cookie.Path = new SsoPaths(prefix).Sso;
            o.Cookie.SameSite = AspNetCore.Http.SameSiteMode.Lax;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
        });
        services.TryAddSingleton(new SsoPaths(prefix));
        services.TryAddSingleton<SsoSchemes>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<AuthenticationOptions>, SsoSchemes>(sp => sp.GetRequiredService<SsoSchemes>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<OpenIdConnectOptions>, SsoSchemes>(sp => sp.GetRequiredService<SsoSchemes>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<OAuthOptions>, SsoSchemes>(sp => sp.GetRequiredService<SsoSchemes>()));
        // What AddOpenIdConnect and AddOAuth register besides their scheme: defaults (backchannel, metadata retrieval, state and nonce protection).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OAuthOptions>, OAuthPostConfigureOptions<OAuthOptions, OAuthHandler<OAuthOptions>>>());
        return builder;
    }
}
