using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tanager.AspNetCore.Internal;

/// <summary>
/// The paths the web client's index.html answers: client routes such as <c>/w/acme</c>. Never the server's own paths
/// (<c>api</c>, <c>gateway</c>, <c>health</c>, <c>files</c>: an unknown API route stays a 404 problem, and a wrong method on
/// a known one stays a 405), and never a path whose last segment looks like a file (a missing <c>app.js</c> is a 404,
/// not a page the browser would try to run as script).
/// </summary>
internal sealed class WebClientRoute : IRouteConstraint
{
    private static readonly string[] ServerSegments = ["api", "gateway", "health", "files"];

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
    {
        var path = values.TryGetValue(routeKey, out var value) ? value as string ?? "" : "";
        var first = path.AsSpan().TrimStart('/');
        var slash = first.IndexOf('/');
        var segment = slash < 0 ? first : first[..slash];
        foreach (var reserved in ServerSegments)
        {
            if (segment.Equals(reserved, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }
        var last = path.AsSpan()[(path.LastIndexOf('/') + 1)..];
        return !last.Contains('.');
    }
}
