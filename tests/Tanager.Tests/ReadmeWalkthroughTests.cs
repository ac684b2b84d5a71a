using System.Text.RegularExpressions;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>The README's "Try it" block runs exactly as written (only the server address differs).</summary>
public sealed partial class ReadmeWalkthroughTests
{
    [GeneratedRegex("<!-- try-it:start -->\\s*```bash\\n(?<script>.*?)```\\s*<!-- try-it:end -->", RegexOptions.Singleline)]
    private static partial Regex TryItBlock();

    [Fact]
    public async Task The_try_it_walkthrough_delivers_MESSAGE_CREATE_with_sequence_1_to_Bob()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "README.md"));
        var script = TryItBlock().Match(readme).Groups["script"].Value;
        Assert.Contains("S=http://127.0.0.1:8080\n", script, StringComparison.Ordinal);
        await using var server = await TestServer.StartAsync();
        script = script.Replace("S=http://127.0.0.1:8080\n", $"S={server.Url.ToString().TrimEnd('/')}\n", StringComparison.Ordinal);

        await using var bash = ChildProcess.Start("bash", ["-c", "set -e\n" + script]);
        await bash.WaitForExitAsync(120);

        Assert.True(bash.ExitCode == 0, $"exit {bash.ExitCode}\n{string.Join('\n', bash.Lines)}\n{bash.Errors}");
        var received = Assert.Single(bash.Lines, l => l.StartsWith("{\"t\":\"MESSAGE_CREATE\"", StringComparison.Ordinal));
        Assert.Contains("\"content\":\"Hello, Bob!\"", received, StringComparison.Ordinal);
        Assert.Contains("\"sequence\":1,", received, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Repository.Root, "bob-events.jsonl")));
    }
}
