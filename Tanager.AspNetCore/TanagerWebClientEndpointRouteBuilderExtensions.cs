using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tanager.AspNetCore.Internal;

namespace Microsoft.AspNetCore.Builder;

public static class TanagerWebClientEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves Tanager's web client (the Blazor WebAssembly app <c>Tanager.Web.App</c>, whose files reach this app through a
    /// project or package reference) under <paramref name="prefix"/>: its assets compressed and cached by content hash
    /// (<c>MapStaticAssets</c>), and index.html for every other GET below the prefix that is not one of Tanager's own
    /// paths (<c>api</c>, <c>gateway</c>, <c>health</c>, <c>files</c>) and does not name a file. Pair it with
    /// <c>MapTanager(prefix)</c> so the client finds the server at its own address. Does nothing when the app was built
    /// without the client (no static assets manifest), so an API-only build keeps working.
    /// </summary>
    public static IEndpointRouteBuilder MapTanagerWebClient(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        prefix = prefix.Trim('/') is { Length: > 0 } trimmed ? "/" + trimmed : "";
        var environment = endpoints.ServiceProvider.GetRequiredService<IWebHostEnvironment>();
        var manifest = Path.Combine(AppContext.BaseDirectory, $"{environment.ApplicationName}.staticwebassets.endpoints.json");
        if (!File.Exists(manifest))
        {
            return endpoints;
        }
        // A build run outside Development has the manifest but not the files (they stay in the projects' folders unless
        // static web assets are loaded): the asset endpoints would answer empty 200s, so say so at start-up.
        if (!environment.WebRootFileProvider.GetFileInfo("tanager-chat.js").Exists)
        {
            AspNetCoreLog.WebClientFilesMissing(endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Tanager.WebClient"), prefix, environment.WebRootPath ?? "none");
        }
        var group = prefix.Length == 0 ? endpoints : endpoints.MapGroup(prefix);
        group.MapStaticAssets(manifest).Add(static endpoint =>
        {
            // The assets' own headers (content type, ETag, Cache-Control by fingerprint) stay; these join them.
            var serve = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = context =>
            {
                WebClientPage.ApplyHeaders(context.Response);
                return serve(context);
            };
        });
        var page = RoutePatternFactory.Parse("{**path}", defaults: null, parameterPolicies: new RouteValueDictionary { ["path"] = new WebClientRoute() });
        var policy = new WebClientPolicy();
        group.Map(page, context => WebClientPage.ServeAsync(context, prefix, policy))
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]))
            // After every other endpoint, as a fallback: a real route of the app always wins.
            .Add(static endpoint => ((RouteEndpointBuilder)endpoint).Order = int.MaxValue);
        return endpoints;
    }
}
