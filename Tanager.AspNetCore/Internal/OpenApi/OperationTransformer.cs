using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;

namespace Tanager.AspNetCore.Internal.OpenApi;

/// <summary>
/// What every operation has in common, said once: its id and the query parameters its handler reads, the bearer
/// credentials it takes, and RFC 7807 problem documents for every refusal (docs/rest.md, "Errors").
/// </summary>
internal sealed class OperationTransformer : IOpenApiOperationTransformer
{
    private static readonly System.Reflection.Assembly Protocol = typeof(Tanager.Protocol.TanagerJsonContext).Assembly;

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<OperationId>().LastOrDefault() is { } id)
        {
            // One endpoint answering several methods (the single sign-on callback) is one operation per method.
            var methods = metadata.OfType<HttpMethodMetadata>().LastOrDefault()?.HttpMethods.Count(m => !HttpMethods.IsHead(m)) ?? 1;
            var method = context.Description.HttpMethod ?? "";
            operation.OperationId = methods > 1 ? id.Value + method[..1].ToUpperInvariant() + method[1..].ToLowerInvariant() : id.Value;
        }
        foreach (var query in metadata.OfType<QueryParameter>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = query.Name,
                In = ParameterLocation.Query,
                Required = query.Required,
                Description = query.Description,
                Schema = query.Type switch
                {
                    QueryType.Integer => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Minimum = "0" },
                    QueryType.Boolean => new OpenApiSchema { Type = JsonSchemaType.Boolean },
                    _ => new OpenApiSchema { Type = JsonSchemaType.String },
                },
            });
        }

        var document = context.Document;
        if (metadata.OfType<RequestBody>().LastOrDefault() is { } body)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { [body.ContentType] = new() { Schema = await SchemaAsync(body.Type, context, cancellationToken) } },
            };
        }
        operation.Responses ??= [];
        if (metadata.OfType<BearerAuthentication>().LastOrDefault() is not null)
        {
            // The bearer token alone (a login session, a bot token, a gateway ticket where one is taken), or an API key
            // with the user it acts as.
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(DocumentTransformer.BearerScheme, document)] = [] },
                new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(DocumentTransformer.BearerScheme, document)] = [],
                    [new OpenApiSecuritySchemeReference(DocumentTransformer.ActAsScheme, document)] = [],
                },
            ];
            operation.Responses.TryAdd("401", Problem(document, "No valid bearer token (`unauthorized`), with `WWW-Authenticate: Bearer`."));
        }
        operation.Responses.TryAdd("default", Problem(document, "A refusal: an RFC 7807 problem document whose `code` says which (docs/rest.md, \"Errors\")."));
    }

    /// <summary>A wire record's schema as a component of its own (as ASP.NET Core makes those of answers), referenced here.</summary>
    private static async Task<IOpenApiSchema> SchemaAsync(Type type, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var schema = await context.GetOrCreateSchemaAsync(type, null, cancellationToken);
        if (type.Assembly != Protocol || context.Document is not { } document)
        {
            return schema;
        }
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas.TryAdd(type.Name, schema);
        return new OpenApiSchemaReference(type.Name, document);
    }

    private static OpenApiResponse Problem(OpenApiDocument? document, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            [TanagerOpenApi.ProblemJson] = new() { Schema = new OpenApiSchemaReference(DocumentTransformer.ProblemSchema, document) },
        },
    };
}
