using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

/// <summary>
/// Authenticates a request through <see cref="AccountService"/>: a bearer token (login session, bot token, or API key with
/// <c>Tanager-Act-As</c>), or else the embedding app's own signed-in user when host identity is on. 401 problem otherwise.
/// The caller's scopes then limit every Core call the request makes, and the request counts against its user's REST budget
/// (<see cref="RateLimitOptions.RestPerUser"/>).
/// </summary>
internal sealed class BearerAuthenticationFilter(AccountService accounts, CredentialUse use, RequestThrottle throttle) : IEndpointFilter
{
    public const string ActAsHeader = "Tanager-Act-As";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var caller = await AuthenticateAsync(http, accounts, use);
        if (caller is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            throw new TanagerException(TanagerErrorKind.Unauthorized, ErrorCodes.Unauthorized, "A valid bearer token is required.");
        }
        if (throttle.Rest(caller.UserId) is { } wait)
        {
            return RequestThrottle.Refuse(http, wait, "requests");
        }
        http.Features.Set(caller);
        Scope.Limit(caller.Scopes);
        return await next(context);
    }

    public static async Task<Caller?> AuthenticateAsync(HttpContext http, AccountService accounts, CredentialUse use)
    {
        var token = http.Request.BearerToken();
        if (token is not null)
        {
            var actAs = http.Request.Headers[ActAsHeader].ToString();
            return await accounts.AuthenticateAsync(token, actAs.Length == 0 ? null : actAs, use, http.Client(), http.RequestAborted);
        }
        var host = http.RequestServices.GetService<HostIdentity>();
        return host is null ? null : await host.SignInAsync(http, accounts);
    }
}
