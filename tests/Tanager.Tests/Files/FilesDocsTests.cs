using System.Text.RegularExpressions;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.Files;

/// <summary>docs/files.md's curl walk-through runs as written (only the server address differs) and ends byte-identical.</summary>
public sealed partial class FilesDocsTests
{
    [GeneratedRegex("<!-- files-walkthrough:start -->\\n```bash\\n(?<script>.*?)```\\n<!-- files-walkthrough:end -->", RegexOptions.Singleline)]
    private static partial Regex Walkthrough();

    [Fact]
    public async Task The_curl_walkthrough_of_docs_files_md_uploads_posts_and_downloads_the_file_byte_identical()
    {
        var doc = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "files.md"));
        var match = Walkthrough().Match(doc);
        Assert.True(match.Success, "docs/files.md must keep the files-walkthrough block.");
        var script = match.Groups["script"].Value;
        Assert.Contains("S=http://127.0.0.1:8080\n", script, StringComparison.Ordinal);
        await using var server = await TestServer.StartAsync();
        script = script.Replace("S=http://127.0.0.1:8080\n", $"S={server.Url.ToString().TrimEnd('/')}\n", StringComparison.Ordinal);
        var folder = Directory.CreateTempSubdirectory("tanager-docs-").FullName;
        await using var bash = ChildProcess.Start("bash", ["-c", "set -e\n" + script], workingDirectory: folder);
        await bash.WaitForExitAsync(120);
        var output = $"exit {bash.ExitCode}\n{string.Join('\n', bash.Lines)}\n{bash.Errors}";
        Assert.True(bash.ExitCode == 0, output);
        Assert.Contains("upload 200", bash.Lines);
        Assert.Contains(bash.Lines, l => l.Contains("\"attachments\":[{\"id\":", StringComparison.Ordinal) && l.Contains("\"file_name\":\"report.pdf\"", StringComparison.Ordinal));
        Assert.Equal("identical", bash.Lines.Last());
        Assert.Empty(Directory.EnumerateFiles(folder));
        Directory.Delete(folder);
    }
}
