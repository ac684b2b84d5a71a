using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApiExplorer;

namespace Tanager.AspNetCore.Internal.OpenApi;

/// <summary>The names that tie Tanager's endpoints to its own OpenAPI document.</summary>
internal static class TanagerOpenApi
{
    /// <summary>The document's name, and the group name every API endpoint carries so that only this document has them.</summary>
    public const string DocumentName = "tanager";

    public const string Json = "application/json";
    public const string ProblemJson = "application/problem+json";

    /// <summary>Tanager's operations; HEAD is left out since every GET answers it (docs/rest.md says so once, not 90 times).</summary>
    public static bool Includes(ApiDescription description) =>
        description.GroupName == DocumentName && !HttpMethods.IsHead(description.HttpMethod ?? "");
}
