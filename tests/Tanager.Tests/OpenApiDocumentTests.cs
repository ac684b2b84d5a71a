using System.Net;
using System.Text.Json.Nodes;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// The OpenAPI document the server generates from its endpoints: checked in as docs/openapi.json (and kept equal to it),
/// complete (every operation says what it does), served to embedders who ask for it, and drawn by the reference page
/// when that is switched on.
/// </summary>
public sealed class OpenApiDocumentTests
{
    /// <summary>Set to 1 to rewrite docs/openapi.json from the served document instead of failing on a difference.</summary>
    public const string UpdateVariable = "TANAGER_UPDATE_OPENAPI";

    public static string CheckedInPath => Path.Combine(Repository.Root, "docs", "openapi.json");

    [Fact]
    public async Task The_served_document_is_the_one_checked_in_as_docs_openapi_json()
    {
        await using var server = await TestServer.StartAsync();
        var served = Normalise(await ServedAsync(server.Url));
        var path = CheckedInPath;
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(path, served);
        }
        var checkedIn = File.Exists(path) ? Normalise(await File.ReadAllTextAsync(path)) : "";
        Assert.True(served == checkedIn,
            $"docs/openapi.json differs from the document the server serves at /api/v1/openapi.json (first difference at line {FirstDifferentLine(served, checkedIn)}). "
            + $"After changing endpoints, regenerate it with\n  {UpdateVariable}=1 dotnet test tests/Tanager.Tests -c Debug --no-build --filter FullyQualifiedName~OpenApiDocumentTests\n"
            + "and commit the file with the change.");
    }

    [Fact]
    public async Task Every_operation_has_an_id_a_summary_a_tag_and_a_success_answer()
    {
        await using var server = await TestServer.StartAsync();
        var document = JsonNode.Parse(await ServedAsync(server.Url))!;
        var failures = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var name = $"{method.ToUpperInvariant()} {path}";
                if (string.IsNullOrWhiteSpace((string?)operation!["summary"]) && string.IsNullOrWhiteSpace((string?)operation["description"]))
                {
                    failures.Add(name + ": no summary or description (Describe(...) where the endpoint is mapped)");
                }
                if ((string?)operation["operationId"] is not { Length: > 0 } id || !ids.Add(id))
                {
                    failures.Add(name + ": no operation id, or one another operation has");
                }
                if (operation["tags"] is not JsonArray { Count: > 0 })
                {
                    failures.Add(name + ": no tag");
                }
                var responses = operation["responses"]!.AsObject();
                if (!responses.Any(r => r.Key.StartsWith('2') || r.Key.StartsWith('3')))
                {
                    failures.Add(name + ": no success answer (Produces or Empty)");
                }
                if (responses["default"]?["content"]?["application/problem+json"] is null)
                {
                    failures.Add(name + ": no problem document for refusals");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task Wire_types_have_their_snake_case_names_and_strict_numbers_whatever_the_apps_json_options()
    {
        await using var server = await TestServer.StartAsync();
        var schemas = JsonNode.Parse(await ServedAsync(server.Url))!["components"]!["schemas"]!;
        var message = schemas["MessageDto"]!;
        Assert.NotNull(message["properties"]!["change_sequence"]);
        Assert.Contains("change_sequence", message["required"]!.AsArray().Select(r => (string?)r));
        Assert.Null(message["properties"]!["changeSequence"]);
        Assert.Equal("integer", (string?)message["properties"]!["change_sequence"]!["type"]);
        Assert.Null(message["properties"]!["change_sequence"]!["pattern"]);
        Assert.NotNull(schemas["RegisterRequest"]!["properties"]!["display_name"]);
    }

    [Fact]
    public async Task Authenticated_operations_take_the_bearer_scheme_and_anonymous_ones_do_not()
    {
        await using var server = await TestServer.StartAsync();
        var document = JsonNode.Parse(await ServedAsync(server.Url))!;
        var schemes = document["components"]!["securitySchemes"]!;
        Assert.Equal("bearer", (string?)schemes["bearer"]!["scheme"]);
        Assert.Equal("Tanager-Act-As", (string?)schemes["actAs"]!["name"]);
        var paths = document["paths"]!;
        Assert.Null(paths["/api/v1/auth/register"]!["post"]!["security"]);
        Assert.Null(paths["/api/v1/webhooks/{webhookId}/{token}"]!["post"]!["security"]);
        Assert.Equal("bearer", paths["/api/v1/users/me"]!["get"]!["security"]![0]!.AsObject().Single().Key);
        Assert.NotNull(paths["/api/v1/admin/audit"]!["get"]!["security"]);
        Assert.NotNull(paths["/api/v1/users/me"]!["get"]!["responses"]!["401"]);
    }

    [Fact]
    public async Task The_reference_page_is_off_by_default_and_shows_the_document_when_switched_on()
    {
        using var http = new HttpClient();
        await using (var server = await TestServer.StartAsync())
        {
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(server.Url, "api/reference/"))).StatusCode);
        }
        await using var on = await TestServer.StartAsync(TestServer.InMemorySettings(), configuration: new Dictionary<string, string?> { ["ApiReference"] = "true" });
        var page = await http.GetAsync(new Uri(on.Url, "api/reference/"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("\"url\":\"api/v1/openapi.json\"", html, StringComparison.Ordinal);
        // Its script comes from this server: the page works with no internet, and calls nowhere else.
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        var script = await http.GetAsync(new Uri(on.Url, "api/reference/scalar.js"));
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("script-src 'self'", string.Join(' ', page.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_embedding_app_gets_the_document_under_its_prefix_when_it_asks_and_keeps_its_own_documents_free_of_tanager()
    {
        await using var without = await EmbedAsync(addDocument: false);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(without.Url, "chat/api/v1/openapi.json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(without.Url, "openapi/v1.json"))).StatusCode);

        await using var with = await EmbedAsync(addDocument: true);
        var document = JsonNode.Parse(await http.GetStringAsync(new Uri(with.Url, "chat/api/v1/openapi.json")))!;
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/chat/api/v1/workspaces/{workspaceId}/channels/{channelId}/messages", paths);
        Assert.DoesNotContain("/app/hello", paths);
        var own = JsonNode.Parse(await http.GetStringAsync(new Uri(with.Url, "openapi/v1.json")))!["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Equal(["/app/hello"], own);
    }

    /// <summary>An app of its own (its endpoint, its OpenAPI document) with Tanager mapped at /chat.</summary>
    private static async Task<EmbeddingApp> EmbedAsync(bool addDocument)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddOpenApi();
        var tanager = builder.Services.AddTanager().UseInMemory();
        if (addDocument)
        {
            tanager.AddOpenApiDocument();
        }
        var app = builder.Build();
        app.MapGet("/app/hello", () => "hello");
        app.MapOpenApi();
        app.MapTanager("/chat");
        await app.StartAsync();
        return new EmbeddingApp(app);
    }

    private sealed class EmbeddingApp(WebApplication app) : IAsyncDisposable
    {
        public Uri Url { get; } = app.BaseUrl();

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public static async Task<string> ServedAsync(Uri server)
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri(server, "api/v1/openapi.json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    private static string Normalise(string json) => json.ReplaceLineEndings("\n").TrimEnd() + "\n";

    private static int FirstDifferentLine(string a, string b)
    {
        var left = a.Split('\n');
        var right = b.Split('\n');
        var line = 0;
        while (line < left.Length && line < right.Length && left[line] == right[line])
        {
            line++;
        }
        return line + 1;
    }
}
