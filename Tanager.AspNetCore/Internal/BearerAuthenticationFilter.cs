using Microsoft.AspNetCore.Http;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

/// <summary>Authenticates <c>Authorization: Bearer &lt;token&gt;</c> through <see cref="AccountService"/>; 401 problem otherwise.</summary>
internal sealed class BearerAuthenticationFilter(AccountService accounts) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var token = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
        var user = await accounts.AuthenticateAsync(token, http.RequestAborted);
        if (user is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            throw new TanagerException(TanagerErrorKind.Unauthorized, ErrorCodes.Unauthorized, "A valid bearer token is required.");
        }
        http.Features.Set(new TanagerCaller(user.Id, user, token!));
        return await next(context);
    }
}
