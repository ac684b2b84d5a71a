using System.Net;
using System.Text;
using System.Text.Json;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// The Dockerfile and docs/deployment/compose.yaml, tested as far as a machine without a container engine can: the
/// build stage's publish command runs as written on a copy of what the build context holds (.dockerignore applied), and
/// the published app runs with the image's entry point, command, environment and health check, then with the compose
/// file's environment against a real PostgreSQL and nats-server.
/// </summary>
public sealed class ContainerFilesTests
{
    private const string ImagePort = "8080";

    [Fact]
    public async Task The_image_s_publish_output_serves_with_its_entry_point_answers_its_health_check_and_runs_as_compose_configures_it()
    {
        var dockerfile = Dockerfile.Read(Path.Combine(Repository.Root, "Dockerfile"));
        Assert.True(dockerfile.Stages >= 2, "a multi-stage build: the SDK builds, the runtime image runs");
        Assert.Equal("$APP_UID", dockerfile.User);
        Assert.Equal(ImagePort, dockerfile.Expose);

        var work = Directory.CreateTempSubdirectory("tanager-container-").FullName;
        try
        {
            var context = Path.Combine(work, "src");
            CopyContext(Repository.Root, context, await File.ReadAllLinesAsync(Path.Combine(Repository.Root, ".dockerignore")));
            Assert.False(Directory.Exists(Path.Combine(context, "Tanager.Core", "bin")), ".dockerignore keeps build output out");
            Assert.True(File.Exists(Path.Combine(context, "Tanager.sln")));

            var app = Path.Combine(work, "app");
            var data = Path.Combine(work, "data");
            Directory.CreateDirectory(data);
            var rid = dockerfile.Args["RID"];
            var publish = dockerfile.PublishCommand.Select(a => a.Replace("$RID", rid, StringComparison.Ordinal)).Select(a => a == "/app" ? app : a).ToArray();
            Assert.Equal("dotnet", publish[0]);
            await using (var build = ChildProcess.Start("dotnet", [.. publish[1..], "--disable-build-servers"], workingDirectory: context))
            {
                await build.WaitForExitAsync(900);
                Assert.True(build.ExitCode == 0, $"publish failed:\n{string.Join('\n', build.Lines)}\n{build.Errors}");
                Assert.DoesNotContain(build.Lines, l => l.Contains(": warning ", StringComparison.Ordinal));
            }
            // Only the image's own platform: no Windows or macOS native libraries (SkiaSharp's alone are 330 MB).
            Assert.False(Directory.Exists(Path.Combine(app, "runtimes", "win-x64")), "the publish output carries other platforms' native libraries");

            // The image as `docker run -p 8080:8080 -v …:/data tanager` starts it.
            var port = Ports.Free();
            string Map(string value) => value.Replace("/app/", app + "/", StringComparison.Ordinal)
                .Replace("0.0.0.0:" + ImagePort, $"127.0.0.1:{port}", StringComparison.Ordinal)
                .Replace("127.0.0.1:" + ImagePort, $"127.0.0.1:{port}", StringComparison.Ordinal) switch
            {
                "/data" => data,
                var other => other,
            };
            var command = dockerfile.EntryPoint.Concat(dockerfile.Command).Select(Map).ToArray();
            var health = dockerfile.HealthCheck.Select(Map).ToArray();
            Assert.Equal(["dotnet", Path.Combine(app, "tanager.dll"), "health"], health[..3]);
            Assert.Equal("/health/ready", health[Array.IndexOf(health, "--path") + 1]);
            await using (var server = ChildProcess.Start(command[0], command[1..], dockerfile.Environment))
            {
                Assert.True(await HealthyAsync(health), "the health check never passed:\n" + server.Errors);
                Assert.Equal(HttpStatusCode.Created, await RegisterAsync(port));
                Assert.True(File.Exists(Path.Combine(data, "tanager.db")), "the database is not in the data volume");
            }
            // Stopped: the same check fails, so the container would be reported unhealthy.
            Assert.Equal(1, await RunAsync(health));

            // docker compose: the tanager service's environment, pointed at this run's PostgreSQL and nats-server.
            var compose = ComposeEnvironment(await File.ReadAllLinesAsync(Path.Combine(Repository.Root, "docs", "deployment", "compose.yaml")), "tanager");
            Assert.Equal(["TANAGER_DATABASE_URL", "TANAGER_NATS_URL"], compose.Keys.Order(StringComparer.Ordinal));
            Assert.StartsWith("postgres://tanager:${POSTGRES_PASSWORD}@postgres:5432/", compose["TANAGER_DATABASE_URL"], StringComparison.Ordinal);
            Assert.Equal("nats://nats:4222", compose["TANAGER_NATS_URL"]);
            var postgres = await PostgresServer.GetAsync();
            var nats = await NatsServer.GetSharedAsync();
            var environment = new Dictionary<string, string>(dockerfile.Environment)
            {
                ["TANAGER_DATABASE_URL"] = postgres.Url(await postgres.CreateDatabaseAsync()),
                ["TANAGER_NATS_URL"] = nats.Url,
            };
            var composeData = Path.Combine(work, "compose-data");
            Directory.CreateDirectory(composeData);
            command = [.. command.Select(a => a == data ? composeData : a)];
            await using (var server = ChildProcess.Start(command[0], command[1..], environment))
            {
                Assert.True(await HealthyAsync(health), "not healthy on PostgreSQL and NATS:\n" + server.Errors);
                Assert.Equal(HttpStatusCode.Created, await RegisterAsync(port));
                Assert.False(File.Exists(Path.Combine(composeData, "tanager.db")), "with a database URL nothing is stored in SQLite");
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<HttpStatusCode> RegisterAsync(int port)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/api/v1/") };
        using var register = await http.PostAsync("auth/register", new StringContent("""{"email":"ann@example.test","password":"correct horse battery","display_name":"Ann"}""", Encoding.UTF8, "application/json"));
        return register.StatusCode;
    }

    private static async Task<bool> HealthyAsync(string[] health)
    {
        for (var attempt = 0; attempt < 120; attempt++)
        {
            if (await RunAsync(health) == 0)
            {
                return true;
            }
            await Task.Delay(500);
        }
        return false;
    }

    private static async Task<int> RunAsync(string[] command)
    {
        await using var process = ChildProcess.Start(command[0], command[1..]);
        await process.WaitForExitAsync(30);
        return process.ExitCode;
    }

    /// <summary>Copies what <c>docker build .</c> would send: everything but the .dockerignore entries (<c>name</c> at the root, <c>**/name</c> anywhere).</summary>
    private static void CopyContext(string from, string to, IEnumerable<string> dockerignore)
    {
        var rules = dockerignore.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.All(rules, r => Assert.Matches(@"^(\*\*/)?[A-Za-z0-9_.-]+$", r));
        var anywhere = rules.Where(r => r.StartsWith("**/", StringComparison.Ordinal)).Select(r => r[3..]).ToHashSet(StringComparer.Ordinal);
        var atRoot = rules.Where(r => !r.StartsWith("**/", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        Copy(new DirectoryInfo(from), to, isRoot: true);

        void Copy(DirectoryInfo directory, string target, bool isRoot)
        {
            Directory.CreateDirectory(target);
            foreach (var file in directory.EnumerateFiles())
            {
                if (!(isRoot && atRoot.Contains(file.Name)))
                {
                    file.CopyTo(Path.Combine(target, file.Name));
                }
            }
            foreach (var child in directory.EnumerateDirectories())
            {
                if (!anywhere.Contains(child.Name) && !(isRoot && atRoot.Contains(child.Name)))
                {
                    Copy(child, Path.Combine(target, child.Name), isRoot: false);
                }
            }
        }
    }

    /// <summary>The <c>environment:</c> map of one service in a compose file (block style, <c>KEY: value</c> lines).</summary>
    private static Dictionary<string, string> ComposeEnvironment(string[] lines, string service)
    {
        var start = Array.IndexOf(lines, $"  {service}:");
        Assert.True(start > 0, $"no service '{service}'");
        var environment = Array.FindIndex(lines, start, l => l == "    environment:");
        Assert.True(environment > start, $"service '{service}' has no environment");
        return lines.Skip(environment + 1).TakeWhile(l => l.StartsWith("      ", StringComparison.Ordinal))
            .Select(l => l.Trim().Split(": ", 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
    }

    /// <summary>The instructions of the Dockerfile that the test needs, each checked to have the form it expects.</summary>
    private sealed record Dockerfile(int Stages, string? User, string? Expose, Dictionary<string, string> Args, Dictionary<string, string> Environment,
        string[] PublishCommand, string[] HealthCheck, string[] EntryPoint, string[] Command)
    {
        public static Dockerfile Read(string path)
        {
            var lines = File.ReadAllLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
            Assert.DoesNotContain(lines, l => l.EndsWith('\\'));
            string? Value(string instruction) => lines.LastOrDefault(l => l.StartsWith(instruction + " ", StringComparison.Ordinal))?[(instruction.Length + 1)..];
            Dictionary<string, string> Pairs(string instruction) => lines.Where(l => l.StartsWith(instruction + " ", StringComparison.Ordinal))
                .Select(l => l[(instruction.Length + 1)..].Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
            string[] Json(string? value) => JsonSerializer.Deserialize<string[]>(value ?? "null") ?? throw new InvalidOperationException("not an exec-form JSON array");
            var publish = Assert.Single(lines, l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal))["RUN ".Length..].Split(' ');
            var healthCheck = Value("HEALTHCHECK") ?? throw new InvalidOperationException("no HEALTHCHECK");
            return new Dockerfile(
                lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)), Value("USER"), Value("EXPOSE"), Pairs("ARG"), Pairs("ENV"),
                publish, Json(healthCheck[(healthCheck.IndexOf(" CMD ", StringComparison.Ordinal) + 5)..]), Json(Value("ENTRYPOINT")), Json(Value("CMD")));
        }
    }
}
