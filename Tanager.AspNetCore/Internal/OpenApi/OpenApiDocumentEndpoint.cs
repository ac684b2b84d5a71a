using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Tanager.AspNetCore.Internal.OpenApi;

/// <summary><c>GET /api/v1/openapi.json</c>, when the app called <c>AddOpenApiDocument()</c>.</summary>
internal static class OpenApiDocumentEndpoint
{
    public static void MapIfAdded(RouteGroupBuilder api, IServiceProvider services)
    {
        if (services.GetService<IServiceProviderIsKeyedService>() is not { } keyed || !keyed.IsKeyedService(typeof(IOpenApiDocumentProvider), TanagerOpenApi.DocumentName))
        {
            return;
        }
        api.MapGet("/openapi.json", async (HttpContext context) =>
        {
            var provider = context.RequestServices.GetRequiredKeyedService<IOpenApiDocumentProvider>(TanagerOpenApi.DocumentName);
            var document = await provider.GetOpenApiDocumentAsync(context.RequestAborted);
            await using var text = new StringWriter(CultureInfo.InvariantCulture);
            document.SerializeAsV31(new OpenApiJsonWriter(text));
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(text.ToString(), context.RequestAborted);
        }).ExcludeFromDescription();
    }
}
