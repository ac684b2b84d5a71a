using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Tanager.AspNetCore.Internal.OpenApi;

/// <summary>The operation id of an endpoint in the OpenAPI document: what generated clients name the method.</summary>
internal sealed record OperationId(string Value);

/// <summary>A query parameter an endpoint reads itself (the handlers parse their queries, so ASP.NET Core cannot see them).</summary>
internal sealed record QueryParameter(string Name, QueryType Type, string Description, bool Required = false);

internal enum QueryType
{
    String,
    Integer,
    Boolean,
}

/// <summary>
/// The body an endpoint reads itself. Not ASP.NET Core's <c>Accepts</c>: that is routing metadata too, and would answer a
/// request of another content type with a bare 415 before Tanager's own problem document (docs/rest.md, "Conventions").
/// </summary>
internal sealed record RequestBody(Type Type, string ContentType);

/// <summary>An endpoint behind <see cref="BearerAuthenticationFilter"/> (or its own check of the same credentials).</summary>
internal sealed record BearerAuthentication(CredentialUse Use);

/// <summary>What each endpoint says about itself in the OpenAPI document; answers use ASP.NET Core's own Produces.</summary>
internal static class EndpointDescriptions
{
    /// <summary>The operation id and summary every operation has (a test checks), and a description where the summary is not enough.</summary>
    public static RouteHandlerBuilder Describe(this RouteHandlerBuilder builder, string operationId, string summary, string? description = null)
    {
        builder.WithMetadata(new OperationId(operationId)).WithSummary(summary);
        return description is null ? builder : builder.WithDescription(description);
    }

    public static RouteHandlerBuilder Query(this RouteHandlerBuilder builder, string name, QueryType type, string description, bool required = false) =>
        builder.WithMetadata(new QueryParameter(name, type, description, required));

    /// <summary>A JSON request body of <typeparamref name="TBody"/>, read by the handler itself.</summary>
    public static RouteHandlerBuilder Body<TBody>(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new RequestBody(typeof(TBody), TanagerOpenApi.Json));

    /// <summary>A body of any content type, taken as bytes.</summary>
    public static RouteHandlerBuilder BinaryBody(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new RequestBody(typeof(Stream), "*/*"));

    /// <summary>An answer with no body.</summary>
    public static RouteHandlerBuilder Empty(this RouteHandlerBuilder builder, int status = StatusCodes.Status204NoContent) =>
        builder.Produces(status);
}
