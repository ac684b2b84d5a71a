using Microsoft.AspNetCore.Http;

namespace Tanager.AspNetCore.Internal;

/// <summary>
/// The headers every Tanager response carries. Tanager serves JSON, event streams and files, never a page, so the policy
/// is the strictest there is: nothing may load, frame or sniff anything. A route that needs otherwise (a file download)
/// sets its own values, which win: these are only added where absent.
/// </summary>
internal static class EdgeHeaders
{
    public const string ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.TryAdd("X-Content-Type-Options", "nosniff");
        headers.TryAdd("Referrer-Policy", "no-referrer");
        headers.TryAdd("X-Frame-Options", "DENY");
        headers.TryAdd("Content-Security-Policy", ContentSecurityPolicy);
        headers.TryAdd("Cross-Origin-Resource-Policy", "same-site");
        // Answers hold messages, members and tokens: no shared or browser cache keeps them.
        headers.TryAdd("Cache-Control", "no-store");
    }

    /// <summary>Sets the headers as the response starts, so that answers written by later middleware (an exception handler clears the headers) carry them too.</summary>
    public static Task ApplyOnStartingAsync(HttpContext context, RequestDelegate next)
    {
        var response = context.Response;
        response.OnStarting(static state =>
        {
            Apply((HttpResponse)state);
            return Task.CompletedTask;
        }, response);
        return next(context);
    }
}
