using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Tanager.AspNetCore.Internal;

/// <summary>
/// The web client's page and its headers. Blazor WebAssembly needs <c>'wasm-unsafe-eval'</c> to compile the runtime and
/// inline <c>style</c> attributes (Virtualize sizes its spacers with them); nothing else is loosened: scripts only from
/// this origin, no inline script, no plugins, no framing (an embedding app serves the client from its own origin).
/// </summary>
internal static class WebClientPage
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static void ApplyHeaders(HttpResponse response, string policy = ContentSecurityPolicy)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = policy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
    }

    /// <summary>
    /// index.html with <c>&lt;base href&gt;</c> set to where the client is mapped, so that its relative asset paths and
    /// the chat's default server address follow the prefix. Never cached: it names the current build's assets.
    /// </summary>
    public static async Task ServeAsync(HttpContext context, string prefix, WebClientPolicy policy)
    {
        var file = context.RequestServices.GetRequiredService<IWebHostEnvironment>().WebRootFileProvider.GetFileInfo("index.html");
        if (!file.Exists)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        string html;
        await using (var stream = file.CreateReadStream())
        using (var reader = new StreamReader(stream, Encoding.UTF8))
        {
            html = await reader.ReadToEndAsync(context.RequestAborted);
        }
        var baseHref = context.Request.PathBase.Add(prefix).Value + "/";
        html = html.Replace("<base href=\"/\"", $"<base href=\"{System.Net.WebUtility.HtmlEncode(baseHref)}\"", StringComparison.Ordinal);
        ApplyHeaders(context.Response, await policy.GetAsync(context));
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.ContentType = "text/html; charset=utf-8";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.ContentLength = Encoding.UTF8.GetByteCount(html);
            return;
        }
        await context.Response.WriteAsync(html, context.RequestAborted);
    }
}

/// <summary>
/// The page's policy for one mapping of the client: <see cref="WebClientPage.ContentSecurityPolicy"/>, plus the file
/// store's origin when uploads and downloads go straight to another one (S3): the page PUTs files there and shows images
/// from there. Asked of the attachment service once per mapping.
/// </summary>
internal sealed class WebClientPolicy
{
    private string? _policy;

    public async ValueTask<string> GetAsync(HttpContext context)
    {
        if (_policy is { } known)
        {
            return known;
        }
        var origin = await FileStoreOriginAsync(context);
        return _policy = origin is null ? WebClientPage.ContentSecurityPolicy : WebClientPage.ContentSecurityPolicy
            .Replace("connect-src 'self'", $"connect-src 'self' {origin}", StringComparison.Ordinal)
            .Replace("img-src 'self' data: https:", $"img-src 'self' data: https: {origin}", StringComparison.Ordinal);
    }

    private static async ValueTask<string?> FileStoreOriginAsync(HttpContext context)
    {
        if (context.RequestServices.GetService<Tanager.AttachmentService>() is not { } attachments
            || await attachments.GetDirectTransferOriginAsync(context.RequestAborted) is not { } origin)
        {
            return null;
        }
        var own = $"{context.Request.Scheme}://{context.Request.Host}";
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) ? null : origin;
    }
}
