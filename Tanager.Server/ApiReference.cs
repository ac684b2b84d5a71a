using Scalar.AspNetCore;

namespace Tanager.Server;

/// <summary>
/// An interactive reference of the REST API (Scalar) at <c>/api/reference</c>, drawn from <c>/api/v1/openapi.json</c>.
/// Off unless <c>ApiReference</c> is true: its "send request" button sends real requests with whatever token is pasted
/// in, so an operator turns it on knowingly. Its script and styles come from this server (the package embeds them), and
/// it calls nothing else: no telemetry, no agent, no MCP.
/// </summary>
internal static class ApiReference
{
    public const string ConfigurationKey = "ApiReference";
    public const string Path = "/api/reference";

    /// <summary>Scalar's page configures itself with an inline script and inline styles; everything else stays as strict as the API's.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static void Map(WebApplication app)
    {
        var page = app.MapScalarApiReference(Path, o =>
        {
            o.Title = "Tanager REST API";
            o.OpenApiRoutePattern = "/api/v1/openapi.json";
            o.DisableTelemetry().DisableAgent().DisableMcp().DisableDefaultFonts().AddPreferredSecuritySchemes(["bearer"]);
        });
        page.Add(endpoint =>
        {
            var inner = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = context =>
            {
                context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                return inner(context);
            };
        });
    }
}
