using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tanager.AspNetCore.Internal.OpenApi;

/// <summary>The document's title, its security schemes and the problem document's schema; no server URL (see below).</summary>
internal sealed class DocumentTransformer : IOpenApiDocumentTransformer
{
    public const string BearerScheme = "bearer";
    public const string ActAsScheme = "actAs";
    public const string ProblemSchema = "ProblemDetails";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Tanager REST API",
            Version = "v1",
            Description = "Team chat: accounts, workspaces, channels, messages, files, bots and administration. "
                + "docs/rest.md is the narrative guide (rules, limits and the errors of each endpoint, in the order they are checked); "
                + "docs/protocol.md describes the WebSocket gateway at /gateway, which this document leaves out.",
        };
        // The paths already carry MapTanager's prefix; the generator would add the address of whoever asked, which differs
        // per request and would make the document differ per server. No servers means "relative to this document".
        document.Servers = [];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "`Authorization: Bearer …` with a login session (`tgr_`, from POST /auth/register, /auth/login or single sign-on), "
                + "a bot token (`tgb_`, limited to its scopes), or an API key (`tgk_`: with `Tanager-Act-As` outside the admin API, "
                + "where it acts as the server). An app that embeds Tanager with host identity also lets its own signed-in users in without a token.",
        };
        document.Components.SecuritySchemes[ActAsScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = BearerAuthenticationFilter.ActAsHeader,
            Description = "With an API key: the id or email of the user the request acts as (required outside the admin API).",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "An RFC 7807 problem document. `code` is the machine-readable reason (docs/rest.md, \"Errors\"); some refusals add members "
                + "(`scope` for missing_scope, `challenge` and `expires_in` for two_factor_required).",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "https://tanager.dev/problems/{code}" },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What was wrong, for people." },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
                ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The machine-readable reason, such as not_found or missing_scope." },
            },
            Required = new HashSet<string> { "status", "code" },
            AdditionalPropertiesAllowed = true,
        };
        return Task.CompletedTask;
    }
}
