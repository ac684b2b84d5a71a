using System.CommandLine;

namespace Tanager.Server;

/// <summary>
/// <c>tanager health</c>: asks a running server whether it is healthy, for probes that have no HTTP client of their
/// own (a container's HEALTHCHECK: the .NET runtime images carry neither curl nor wget). Exit code 0 when the server
/// answers 2xx, 1 otherwise.
/// </summary>
internal static class HealthCommand
{
    public static Command Build()
    {
        var server = ServerUrlOption.Create();
        var path = new Option<string>("--path")
        {
            Description = "The health endpoint's path.",
            DefaultValueFactory = _ => "/health",
        };
        path.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!value.StartsWith('/') || value.StartsWith("//", StringComparison.Ordinal) || value.Length > 200 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '?' or '#'))
            {
                result.AddError($"--path must be an absolute path such as /health, without a query; got '{value}'.");
            }
        });
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds to wait for the answer (1 to 60).",
            DefaultValueFactory = _ => 5,
        };
        timeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 60)
            {
                result.AddError("--timeout must be between 1 and 60 seconds.");
            }
        });
        var command = new Command("health", "Ask a running server for its health: exit code 0 when it answers 2xx, 1 otherwise (for container health checks).") { server, path, timeout };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new Uri(ServerUrlOption.BaseAddress(parse.GetValue(server)!), parse.GetValue(path)!.TrimStart('/')),
            TimeSpan.FromSeconds(parse.GetValue(timeout)),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = timeout };
        try
        {
            using var response = await http.GetAsync(url, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var writer = response.IsSuccessStatusCode ? Console.Out : Console.Error;
            await writer.WriteLineAsync($"{(int)response.StatusCode} {body}".TrimEnd());
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"{url}: {(exception is TaskCanceledException ? $"no answer within {timeout.TotalSeconds:0} s" : exception.Message)}");
            return 1;
        }
    }
}
