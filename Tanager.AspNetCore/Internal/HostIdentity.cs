using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

/// <summary>
/// Lets the embedding app's signed-in users in (<c>UseHostIdentity</c>): the app's own authentication produces a
/// <see cref="ClaimsPrincipal"/>, <see cref="Map"/> turns it into a <see cref="HostUser"/>, and Core finds or creates the
/// account. Requests that change something must come from the app's own origin, since a browser sends the app's cookie
/// with cross-site requests too.
/// </summary>
internal sealed class HostIdentity(Func<ClaimsPrincipal, HostUser?> map, string? scheme)
{
    public Func<ClaimsPrincipal, HostUser?> Map { get; } = map;

    public async Task<Caller?> SignInAsync(HttpContext http, AccountService accounts)
    {
        var principal = http.User;
        if (scheme is not null)
        {
            var result = await http.AuthenticateAsync(scheme);
            principal = result.Succeeded ? result.Principal : null;
        }
        if (principal?.Identity is not { IsAuthenticated: true } || Map(principal) is not { } hostUser)
        {
            return null;
        }
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !IsSameOrigin(http.Request))
        {
            throw new TanagerException(TanagerErrorKind.Forbidden, ErrorCodes.Forbidden, "Cross-site requests may not change anything (the Origin is not this app's).");
        }
        return await accounts.SignInHostUserAsync(hostUser, http.RequestAborted);
    }

    /// <summary>
    /// Fetch metadata first (every current browser sends <c>Sec-Fetch-Site</c>), then <c>Origin</c>; a request with
    /// neither is not from a browser, so no cookie was sent on anyone else's behalf.
    /// </summary>
    internal static bool IsSameOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            return site is "same-origin" or "none";
        }
        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The usual claims: <c>sub</c> or NameIdentifier for the id, <c>name</c> or Name for the display name, <c>picture</c> for the avatar.</summary>
    public static HostUser? FromStandardClaims(ClaimsPrincipal principal)
    {
        var id = principal.FindFirstValue("sub") ?? principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }
        var name = principal.FindFirstValue("name") ?? principal.FindFirstValue(ClaimTypes.Name) ?? principal.Identity?.Name ?? id;
        return new HostUser(id, name) { AvatarUrl = principal.FindFirstValue("picture") };
    }
}
