using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>docs/rest.md's endpoint summary and the OpenAPI document each name every REST route the server maps under /api/v1, and no other.</summary>
public sealed partial class RestDocsTests
{
    // A summary row: | METHODS | `path` (and `…/other` twins) | …
    [GeneratedRegex(@"^\| (?<methods>[A-Z, ]+) \| (?<paths>`[^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex SummaryRow();

    [GeneratedRegex("`(?<path>[^`]+)`")]
    private static partial Regex CodeSpan();

    [Fact]
    public async Task The_endpoint_summary_lists_every_route_of_the_server_and_no_other()
    {
        var rest = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "rest.md"));
        var start = rest.IndexOf("## Endpoint summary", StringComparison.Ordinal);
        var summary = rest[start..rest.IndexOf("\n---", start, StringComparison.Ordinal)];
        var documented = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match row in SummaryRow().Matches(summary))
        {
            var paths = CodeSpan().Matches(row.Groups["paths"].Value).Select(m => m.Groups["path"].Value).ToList();
            // "(no /api/v1 …)": /health and /gateway live beside the API.
            if (row.Groups["paths"].Value.Contains("no `/api/v1`", StringComparison.Ordinal))
            {
                continue;
            }
            var first = Normalise(paths[0]);
            // "`…/archive`, `…/unarchive`": the twin replaces the last segment of the first path.
            var all = paths.Where(p => p.StartsWith('/') || p.StartsWith('…')).Select(p => p.StartsWith('…') ? first[..first.LastIndexOf('/')] + p[1..] : Normalise(p));
            foreach (var method in row.Groups["methods"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                foreach (var path in all.Distinct())
                {
                    documented.Add($"{method} /api/v1{path}");
                }
            }
        }

        await using var server = await TestServer.StartAsync();
        var routes = ApiRoutes(server);

        Assert.True(routes.Except(documented).Order().ToList() is { Count: 0 } missing, "Routes missing from docs/rest.md's endpoint summary:\n" + string.Join('\n', routes.Except(documented).Order()));
        Assert.True(documented.Except(routes).Order().ToList() is { Count: 0 }, "Rows of docs/rest.md's endpoint summary naming no route:\n" + string.Join('\n', documented.Except(routes).Order()));
    }

    [Fact]
    public async Task Every_route_of_the_server_is_an_operation_of_the_OpenAPI_document_and_no_other()
    {
        await using var server = await TestServer.StartAsync();
        // The document itself is the one route it leaves out.
        var routes = ApiRoutes(server).Where(r => r != "GET /api/v1/openapi.json").ToHashSet(StringComparer.Ordinal);
        var document = JsonNode.Parse(await OpenApiDocumentTests.ServedAsync(server.Url))!;
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => $"{operation.Key.ToUpperInvariant()} {Normalise(path.Key)}"))
            .ToHashSet(StringComparer.Ordinal);

        Assert.True(routes.Except(operations).Order().ToList() is { Count: 0 }, "Routes missing from the OpenAPI document:\n" + string.Join('\n', routes.Except(operations).Order()));
        Assert.True(operations.Except(routes).Order().ToList() is { Count: 0 }, "Operations of the OpenAPI document naming no route:\n" + string.Join('\n', operations.Except(routes).Order()));
    }

    /// <summary>Every method and path the server answers under /api/v1, as "GET /api/v1/…" (HEAD goes with GET).</summary>
    private static HashSet<string> ApiRoutes(TestServer server) =>
        server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).Where(m => m != HttpMethods.Head).Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}"))
            .Where(r => r.Contains(" /api/v1/", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>A documented path as the route pattern spells it: no query, and the signed files' catch-all key.</summary>
    private static string Normalise(string path)
    {
        var noQuery = path.Split('?')[0];
        return noQuery.Replace("/files/{key}", "/files/{**key}", StringComparison.Ordinal);
    }
}
