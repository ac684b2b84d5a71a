using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NJsonSchema.CodeGeneration.CSharp;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// docs/openapi.json is correct enough for a tool we did not write: NSwag's C# generator makes a client of it, Roslyn
/// compiles that client, and the client signs up, posts and reads history on a real server.
/// </summary>
public sealed class GeneratedClientTests
{
    /// <summary>What a user of the generated client writes: every call and type below comes from the generated code.</summary>
    private const string Walkthrough = """
        namespace Generated;

        public static class Walkthrough
        {
            public static async System.Threading.Tasks.Task<string> RunAsync(string baseUrl, string email)
            {
                using var http = new System.Net.Http.HttpClient();
                var api = new TanagerApi(baseUrl, http);
                var session = await api.RegisterAsync(new RegisterRequest { Email = email, Password = "correct horse battery", Display_name = "Generated" });
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", session.Token);
                var workspace = await api.CreateWorkspaceAsync(new CreateWorkspaceRequest { Name = "Generated client" });
                var channel = await api.CreateChannelAsync(workspace.Id, new CreateChannelRequest { Name = "generated" });
                var first = await api.PostMessageAsync(workspace.Id, channel.Id, new PostMessageRequest { Content = "Hello from a generated client" });
                var second = await api.PostMessageAsync(workspace.Id, channel.Id, new PostMessageRequest { Content = "And again", Nonce = "n-2" });
                var history = await api.ListMessagesAsync(workspace.Id, channel.Id, null, null, 10, null);
                string refusal;
                try
                {
                    await api.GetChannelAsync(workspace.Id, "01ARZ3NDEKTSV4RRFFQ69G5FAV");
                    refusal = "none";
                }
                catch (ApiException<ProblemDetails> problem)
                {
                    refusal = problem.StatusCode + " " + problem.Result.Code;
                }
                var contents = string.Join(",", System.Linq.Enumerable.Select(history.Messages, m => m.Sequence + ":" + m.Content));
                return $"{session.User.Display_name}|{first.Sequence}|{second.Nonce}|{contents}|{history.Has_more}|{history.Last_sequence}|{refusal}";
            }
        }
        """;

    [Fact]
    public async Task A_client_generated_from_docs_openapi_json_by_NSwag_registers_posts_and_reads_history()
    {
        var document = await NSwag.OpenApiDocument.FromJsonAsync(await File.ReadAllTextAsync(OpenApiDocumentTests.CheckedInPath));
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "TanagerApi",
            UseBaseUrl = true,
            GenerateClientInterfaces = false,
            OperationNameGenerator = new SingleClientFromOperationIdOperationNameGenerator(),
        };
        settings.CSharpGeneratorSettings.Namespace = "Generated";
        settings.CSharpGeneratorSettings.JsonLibrary = CSharpJsonLibrary.SystemTextJson;
        var client = new CSharpClientGenerator(document, settings).GenerateFile();

        var assembly = Compile(client, Walkthrough);
        var run = assembly.GetType("Generated.Walkthrough")!.GetMethod("RunAsync", BindingFlags.Public | BindingFlags.Static)!;

        await using var server = await TestServer.StartAsync();
        var result = await (Task<string>)run.Invoke(null, [server.Url.ToString().TrimEnd('/'), $"generated-{Guid.NewGuid():N}@example.test"])!;

        Assert.Equal("Generated|1|n-2|1:Hello from a generated client,2:And again|False|2|404 not_found", result);
    }

    /// <summary>The generated client and the walkthrough, compiled against the running framework; any error fails with the compiler's words.</summary>
    private static Assembly Compile(params string[] sources)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Generated.TanagerApi",
            sources.Select(source => CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20).Select(d => d.ToString()).ToList();
        Assert.True(emitted.Success, "The generated client does not compile:\n" + string.Join('\n', errors));
        image.Position = 0;
        return new AssemblyLoadContext("generated-client", isCollectible: true).LoadFromStream(image);
    }
}
