using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// What an embedder or a bot author gets: the shipping packages as <c>dotnet pack</c> makes them, installed from a
/// folder feed into apps made from scratch with <c>dotnet new</c>, never from this repository's projects.
/// </summary>
public sealed partial class PackageTests
{
    [Fact]
    public async Task Every_shipping_package_packs_without_a_warning_and_apps_made_from_the_feed_run_the_embedding_and_bot_samples()
    {
        // A version of its own, so that no package cache can hand back another build's package under the same name.
        var version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var work = Directory.CreateTempSubdirectory("tanager-packages-").FullName;
        try
        {
            var feed = Path.Combine(work, "feed");
            // The test run has just built every project: pack what it built (the sample builds below restore from here).
            var pack = await DotnetAsync(Repository.Root, "pack", "Tanager.sln", "-c", Repository.Configuration, "--no-build", "-o", feed, $"-p:Version={version}", "-nologo", "--disable-build-servers");
            Assert.DoesNotContain(pack, l => l.Contains("warning", StringComparison.OrdinalIgnoreCase));

            var shipping = ShippingProjects();
            Assert.Contains("Tanager.AspNetCore", shipping);
            Assert.Contains("Tanager.Client", shipping);
            var commit = (await GitAsync("rev-parse", "HEAD")).Trim();
            foreach (var id in shipping)
            {
                AssertPackage(Path.Combine(feed, $"{id}.{version}.nupkg"), id, version, commit);
                Assert.True(File.Exists(Path.Combine(feed, $"{id}.{version}.snupkg")), $"{id} has no symbols package");
            }
            Assert.Equal(shipping.Count * 2, Directory.GetFiles(feed).Length);
            var guide = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "packages.md"));
            Assert.All(shipping, id => Assert.Contains($"| `{id}` |", guide, StringComparison.Ordinal));

            // Apps made from scratch, which know the packages by name and version only.
            await WriteNuGetConfigAsync(work, feed);
            var embedded = await NewAppAsync(work, "web", "EmbeddedChat", version, "Tanager.AspNetCore", "Tanager.Storage.Sqlite");
            var bot = await NewAppAsync(work, "console", "EchoBot", version, "Tanager.Client");

            await SampleTests.RunEmbeddedSampleAsync(embedded);
            await AdministrationTests.RunEchoBotAsync(bot);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The projects that say <c>&lt;IsPackable&gt;true&lt;/IsPackable&gt;</c>: the packages we ship.</summary>
    private static List<string> ShippingProjects() =>
        Directory.GetDirectories(Repository.Root)
            .Select(d => Path.Combine(d, Path.GetFileName(d) + ".csproj"))
            .Where(p => File.Exists(p) && File.ReadAllText(p).Contains("<IsPackable>true</IsPackable>", StringComparison.Ordinal))
            .Select(Path.GetFileNameWithoutExtension)
            .Order(StringComparer.Ordinal)
            .ToList()!;

    private static void AssertPackage(string path, string id, string version, string commit)
    {
        Assert.True(File.Exists(path), $"no package {Path.GetFileName(path)}");
        using var zip = ZipFile.OpenRead(path);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains($"lib/net10.0/{id}.dll", names);
        Assert.Contains("README.md", names);
        using var nuspecStream = zip.GetEntry($"{id}.nuspec")!.Open();
        var nuspec = XDocument.Load(nuspecStream).Root!;
        // The schema's namespace moves with the features a package uses (framework references, readme).
        var ns = nuspec.Name.Namespace;
        var metadata = nuspec.Element(ns + "metadata")!;
        Assert.Equal(version, metadata.Element(ns + "version")!.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
        Assert.Equal(("expression", "MIT"), ((string?)metadata.Element(ns + "license")?.Attribute("type"), metadata.Element(ns + "license")?.Value));
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value), $"{id} has no description");
        // Source Link's record of where the code came from: the commit always, the address when the clone has a remote.
        var repository = metadata.Element(ns + "repository");
        Assert.Equal(("git", commit), ((string?)repository?.Attribute("type"), (string?)repository?.Attribute("commit")));
        Assert.DoesNotContain("example.invalid", (string?)repository?.Attribute("url") ?? "", StringComparison.Ordinal);
        // Our packages depend on each other at the same version, never on a project path.
        foreach (var dependency in metadata.Descendants(ns + "dependency").Where(d => ((string)d.Attribute("id")!).StartsWith("Tanager.", StringComparison.Ordinal)))
        {
            Assert.Equal(version, (string?)dependency.Attribute("version"));
        }
    }

    /// <summary>Our feed for our packages, nuget.org for the rest; what this machine's package cache already holds is used from there.</summary>
    private static Task WriteNuGetConfigAsync(string work, string feed)
    {
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return File.WriteAllTextAsync(Path.Combine(work, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(work, "packages")}" />
              </config>
              <fallbackPackageFolders>
                <add key="machine" value="{globalPackages}" />
              </fallbackPackageFolders>
              <packageSources>
                <clear />
                <add key="tanager" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="tanager"><package pattern="Tanager.*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }

    /// <summary>
    /// <c>dotnet new</c>, <c>dotnet add package</c> for each package, the sample's Program.cs in place of the template's,
    /// and a build. Returns the app's assembly.
    /// </summary>
    private static async Task<string> NewAppAsync(string work, string template, string sample, string version, params string[] packages)
    {
        var directory = Path.Combine(work, sample);
        await DotnetAsync(work, "new", template, "-o", directory, "-n", sample, "--no-restore");
        foreach (var package in packages)
        {
            await DotnetAsync(directory, "add", "package", package, "--version", version, "--no-restore");
        }
        File.Copy(Path.Combine(Repository.Root, "samples", sample, "Program.cs"), Path.Combine(directory, "Program.cs"), overwrite: true);
        var build = await DotnetAsync(directory, "build", "-c", "Release", "-nologo", "--disable-build-servers");
        Assert.DoesNotContain(build, l => ProjectReference().IsMatch(l));
        var dll = Path.Combine(directory, "bin", "Release", "net10.0", sample + ".dll");
        Assert.True(File.Exists(dll), $"no {dll}:\n{string.Join('\n', build)}");
        // Installed, not referenced: the app's folder holds our packages' assemblies as NuGet restored them.
        Assert.True(File.Exists(Path.Combine(directory, "bin", "Release", "net10.0", packages[0] + ".dll")));
        return dll;
    }

    private static async Task<IReadOnlyList<string>> DotnetAsync(string workingDirectory, params string[] arguments)
    {
        await using var process = ChildProcess.Start("dotnet", arguments, new Dictionary<string, string>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        }, workingDirectory);
        await process.WaitForExitAsync(300);
        var lines = process.Lines.ToList();
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} exited {process.ExitCode}:\n{string.Join('\n', lines)}\n{process.Errors}");
        return lines;
    }

    private static async Task<string> GitAsync(params string[] arguments)
    {
        await using var process = ChildProcess.Start("git", arguments, workingDirectory: Repository.Root);
        await process.WaitForExitAsync(30);
        Assert.Equal(0, process.ExitCode);
        return string.Join('\n', process.Lines);
    }

    [GeneratedRegex(@"Tanager\.[A-Za-z.]+\.csproj")]
    private static partial Regex ProjectReference();
}
