using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tanager.AspNetCore.Internal.OpenApi;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

/// <summary>
/// Single sign-on routes. The protocol runs in ASP.NET Core's handlers (<see cref="SsoSchemes"/>): start challenges,
/// callback is where the provider sends the browser back, and the one-time code that the callback puts in the return
/// URL is exchanged for a session here.
/// </summary>
internal static class ExternalLoginEndpoints
{
    public static void MapAnonymous(RouteGroupBuilder api)
    {
        api.MapGet("/auth/sso/providers", (ExternalLoginService sso) =>
            TypedResults.Json<IReadOnlyList<SsoProviderDto>>(
                [.. sso.ListProviders().Select(p => new SsoProviderDto { Name = p.Name, DisplayName = p.DisplayName ?? p.Name })],
                TanagerJsonContext.Default.IReadOnlyListSsoProviderDto))
            .Describe("listSsoProviders", "Single sign-on providers", "The identity providers people may sign in with.").Produces<IReadOnlyList<SsoProviderDto>>();

        // Sends the browser to the provider. return_to is where it comes back with #sso_code=…; link_ticket (from the
        // link route) makes this a linking of the ticket's user instead of a sign-in.
        api.MapGet("/auth/sso/{provider}/start", async Task<IResult> (string provider, HttpContext context, ExternalLoginService sso) =>
        {
            var scheme = await SchemeAsync(context, sso, provider);
            var serverOrigin = $"{context.Request.Scheme}://{context.Request.Host}";
            var returnTo = sso.CheckReturnTo(context.Request.Query["return_to"].ToString(), serverOrigin);
            var properties = new AuthenticationProperties();
            properties.Items[SsoSchemes.ReturnToItem] = returnTo;
            if (context.Request.Query["link_ticket"].ToString() is { Length: > 0 } ticket)
            {
                // Used up here; the user id then travels inside the state, which the handler encrypts and signs.
                properties.Items[SsoSchemes.LinkItem] = (await sso.RedeemLinkTicketAsync(ticket, context.RequestAborted)).ToString();
            }
            try
            {
                // The handler reads the provider's discovery document here (cached afterwards, 12 hours by default).
                await context.ChallengeAsync(scheme, properties);
                return TypedResults.Empty;
            }
            catch (Exception exception) when (exception is InvalidOperationException or HttpRequestException && !context.Response.HasStarted)
            {
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Tanager.AspNetCore.SingleSignOn");
                AspNetCoreLog.SsoProviderUnreachable(logger, provider, exception.Message);
                return ProblemFilter.Problem(StatusCodes.Status502BadGateway, ErrorCodes.SsoProviderUnreachable,
                    "The identity provider could not be reached or did not describe itself: try again later.");
            }
        })
            .Describe("startSso", "Start single sign-on", "For a browser: redirects to the provider. It comes back to `return_to` with `#sso_code=…` to exchange at POST /auth/sso/exchange.")
            .Query("return_to", QueryType.String, "Where the browser returns, with the code in the fragment; an allowed origin.")
            .Query("link_ticket", QueryType.String, "From POST /auth/sso/{provider}/link: links the provider to that account instead of signing in.")
            .Empty(StatusCodes.Status302Found);

        // The handler validates what the provider sent and its events finish the sign-in (a redirect with the code) or
        // throw the refusal that the problem filter maps. Mapped here, not left to UseAuthentication(), so that the
        // route exists under MapTanager's prefix whatever middleware the app has.
        api.MapMethods("/auth/sso/{provider}/callback", [HttpMethods.Get, HttpMethods.Post], async Task<IResult> (string provider, HttpContext context, ExternalLoginService sso) =>
        {
            var scheme = await SchemeAsync(context, sso, provider);
            var handlers = context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
            if (await handlers.GetHandlerAsync(context, scheme) is IAuthenticationRequestHandler handler && await handler.HandleRequestAsync())
            {
                return TypedResults.Empty;
            }
            throw new TanagerException(TanagerErrorKind.NotFound, ErrorCodes.NotFound, "Identity provider not found.");
        })
            .Describe("ssoCallback", "Single sign-on callback", "Where the provider sends the browser back; redirects to `return_to#sso_code=…`. Not for API clients.").Empty(StatusCodes.Status302Found);

        api.MapPost("/auth/sso/exchange", async (HttpContext context, ExternalLoginService sso) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.SsoExchangeRequest);
            return AccountEndpoints.SessionOrChallenge(await sso.ExchangeAsync(body.Code, context.Client(), context.RequestAborted));
        })
            .Describe("exchangeSsoCode", "Exchange a single sign-on code", "The one-time code from the return URL, for a session (or a two-factor challenge, as at POST /auth/login).").Body<SsoExchangeRequest>().Produces<SessionResponse>();
    }

    public static void Map(RouteGroupBuilder api, SsoPaths paths)
    {
        api.MapPost("/auth/sso/{provider}/link", async (string provider, HttpContext context, ExternalLoginService sso) =>
        {
            var (ticket, expiresIn) = await sso.IssueLinkTicketAsync(context.Caller(), provider, context.RequestAborted);
            var url = $"{context.Request.PathBase}{paths.Start(provider)}?link_ticket={Uri.EscapeDataString(ticket)}";
            return TypedResults.Json(new SsoLinkDto { Url = url, ExpiresIn = (int)expiresIn.TotalSeconds }, TanagerJsonContext.Default.SsoLinkDto);
        })
            .Describe("linkSsoProvider", "Link a provider", "Answers a URL that starts single sign-on with the provider and links it to the account. Needs a login session.").Produces<SsoLinkDto>();

        api.MapDelete("/auth/sso/{provider}/link", async (string provider, HttpContext context, ExternalLoginService sso) =>
        {
            await sso.UnlinkAsync(context.Caller(), provider, context.Client(), context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("unlinkSsoProvider", "Unlink a provider").Empty();

        api.MapGet("/auth/sso/links", async (HttpContext context, ExternalLoginService sso) =>
        {
            var links = await sso.ListLinksAsync(context.Caller(), context.RequestAborted);
            IReadOnlyList<ExternalLoginDto> dtos = [.. links.Select(l => ToDto(l, sso))];
            return TypedResults.Json(dtos, TanagerJsonContext.Default.IReadOnlyListExternalLoginDto);
        })
            .Describe("listSsoLinks", "Linked providers").Produces<IReadOnlyList<ExternalLoginDto>>();
    }

    private static ExternalLoginDto ToDto(ExternalLogin login, ExternalLoginService sso) => new()
    {
        Provider = login.Provider,
        DisplayName = sso.ListProviders().FirstOrDefault(p => p.Name == login.Provider) is { } p ? p.DisplayName ?? p.Name : login.Provider,
        Email = login.Email,
        CreatedAt = login.CreatedAt,
    };

    /// <summary>The provider's scheme; 404 when it is not configured, or when the app did not call <c>AddSingleSignOn()</c>.</summary>
    private static async Task<string> SchemeAsync(HttpContext context, ExternalLoginService sso, string provider)
    {
        var name = SsoSchemes.SchemeName(sso.GetProvider(provider).Name);
        var schemes = context.RequestServices.GetService<IAuthenticationSchemeProvider>();
        return schemes is not null && await schemes.GetSchemeAsync(name) is not null ? name
            : throw new TanagerException(TanagerErrorKind.NotFound, ErrorCodes.NotFound, "Identity provider not found: single sign-on is not enabled (AddSingleSignOn).");
    }
}
