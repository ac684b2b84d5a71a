using Microsoft.AspNetCore.Http;

namespace Tanager.AspNetCore.Internal;

/// <summary>
/// Who may open the gateway or the event stream from a browser page: the server's own origin (same host) and those in
/// <see cref="TanagerOptions.AllowedOrigins"/>. Browsers send cookies and client certificates with cross-site WebSocket
/// upgrades and let any page open one, so the upgrade's <c>Origin</c> is the only thing that tells a page of this site
/// from someone else's (cross-site WebSocket hijacking). A request without <c>Origin</c> is not from a browser page.
/// </summary>
internal sealed class OriginPolicy(IEnumerable<string> allowedOrigins)
{
    private readonly HashSet<string> _allowed = new(allowedOrigins.Select(Normalize).OfType<string>(), StringComparer.OrdinalIgnoreCase);

    public bool Allows(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            // "null" (sandboxed frames, file: pages) and anything unparsable.
            return false;
        }
        return string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            || _allowed.Contains(uri.GetLeftPart(UriPartial.Authority));
    }

    private static string? Normalize(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : null;
}
