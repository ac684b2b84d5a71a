using Tanager.AspNetCore.Internal;

namespace Microsoft.AspNetCore.Builder;

public static class TanagerApplicationBuilderExtensions
{
    /// <summary>
    /// Adds Tanager's security headers (docs/security.md, "Browsers and the edge") to every response of the app, not
    /// only to Tanager's routes (which <c>MapTanager</c> covers itself): unknown routes, errors, health checks. For an
    /// app that serves nothing but Tanager, such as <c>tanager serve</c>; an app with pages of its own keeps its own
    /// headers, since these forbid pages from loading anything.
    /// </summary>
    public static IApplicationBuilder UseTanagerSecurityHeaders(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(next => context => EdgeHeaders.ApplyOnStartingAsync(context, next));
    }
}
