using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tanager;
using Tanager.AspNetCore.Internal;

namespace Microsoft.Extensions.DependencyInjection;

public static class TanagerHostIdentityExtensions
{
    /// <summary>
    /// Lets the app's own signed-in users use Tanager with no Tanager password: a request without a bearer token is
    /// authenticated by the app's authentication (<paramref name="authenticationScheme"/>, or the default scheme's
    /// <c>HttpContext.User</c>), and <paramref name="map"/> names the user (a stable id and a display name). The account is
    /// created on first sight. Browsers reach the gateway with a ticket from <c>POST {prefix}/api/v1/gateway/ticket</c>.
    /// Without <paramref name="map"/>, the <c>sub</c>/NameIdentifier and <c>name</c>/Name claims are used.
    /// </summary>
    public static TanagerBuilder UseHostIdentity(this TanagerBuilder builder, Func<ClaimsPrincipal, HostUser?>? map = null, string? authenticationScheme = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton(new HostIdentity(map ?? HostIdentity.FromStandardClaims, authenticationScheme)));
        return builder;
    }
}
