using System.Text.RegularExpressions;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// docs/bots.md shows the real echo bot, and its curl walk-through runs exactly as written (only the server address
/// differs): the bot is created, echoes, and stops when its token is revoked.
/// </summary>
public sealed partial class BotDocsTests
{
    private static readonly string DocPath = Path.Combine(Repository.Root, "docs", "bots.md");

    [GeneratedRegex("<!-- bot-sample -->\\n```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex SampleBlock();

    [GeneratedRegex("<!-- bots-walkthrough:start -->(?<body>.*?)<!-- bots-walkthrough:end -->", RegexOptions.Singleline)]
    private static partial Regex Walkthrough();

    [GeneratedRegex("```bash\\n(?<script>.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    [Fact]
    public async Task The_bot_sample_of_docs_bots_md_is_samples_EchoBot_Program_cs_verbatim()
    {
        var doc = await File.ReadAllTextAsync(DocPath);
        var sample = SampleBlock().Match(doc);
        Assert.True(sample.Success, "docs/bots.md must have a ```csharp block right after <!-- bot-sample -->.");
        var program = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "samples", "EchoBot", "Program.cs"));
        Assert.Equal(program.ReplaceLineEndings("\n"), sample.Groups["code"].Value);
    }

    [Fact]
    public async Task Every_curl_example_of_docs_bots_md_is_in_the_walkthrough_that_runs()
    {
        var doc = await File.ReadAllTextAsync(DocPath);
        var walkthrough = Walkthrough().Match(doc);
        Assert.True(walkthrough.Success, "docs/bots.md must keep the bots-walkthrough markers.");
        var outside = doc.Remove(walkthrough.Index, walkthrough.Length);
        Assert.DoesNotContain(BashBlock().Matches(outside), block => block.Value.Contains("curl", StringComparison.Ordinal));
        Assert.NotEmpty(BashBlock().Matches(walkthrough.Value));
    }

    [Fact]
    public async Task The_walkthrough_creates_a_bot_that_echoes_and_stops_when_its_token_is_revoked()
    {
        var doc = await File.ReadAllTextAsync(DocPath);
        var script = string.Join("\n", BashBlock().Matches(Walkthrough().Match(doc).Value).Select(m => m.Groups["script"].Value));
        Assert.Contains("S=http://127.0.0.1:8080\n", script, StringComparison.Ordinal);
        await using var server = await TestServer.StartAsync();
        script = script.Replace("S=http://127.0.0.1:8080\n", $"S={server.Url.ToString().TrimEnd('/')}\n", StringComparison.Ordinal);

        // Job control puts the echo bot in its own process group, so that a failing script takes it (and the process
        // `dotnet run` starts) down with it; the bot ends by throwing, which must not leave a core file in the checkout.
        const string Harness = "set -em\nulimit -c 0\ntrap 'for job in $(jobs -p); do kill -- -$job 2>/dev/null; done; rm -f echo-bot.log' EXIT\n";
        await using var bash = ChildProcess.Start("bash", ["-c", Harness + script]);
        await bash.WaitForExitAsync(180);

        var output = $"exit {bash.ExitCode}\n{string.Join('\n', bash.Lines)}\n{bash.Errors}";
        Assert.True(bash.ExitCode == 0, output);
        var lines = bash.Lines.ToList();
        Assert.True(lines.Any(l => l.StartsWith("{\"user\":{", StringComparison.Ordinal) && l.Contains("\"is_bot\":true", StringComparison.Ordinal) && l.Contains("\"token\":\"tgb_", StringComparison.Ordinal)), output);
        Assert.True(lines.Any(l => l.StartsWith("{\"id\":", StringComparison.Ordinal) && l.Contains("@bots.tanager.invalid\",\"is_bot\":true", StringComparison.Ordinal)), output);
        Assert.True(lines.Any(l => l.Contains("\"code\":\"missing_scope\",\"scope\":\"members:read\"", StringComparison.Ordinal) && l.EndsWith(" 403", StringComparison.Ordinal)), output);
        Assert.True(lines.Contains("\"content\":\"echo: hello bot\""), "The echo bot never answered.\n" + output);
        Assert.True(lines.Any(l => l.StartsWith("{\"id\":", StringComparison.Ordinal) && l.Contains("\"name\":\"dashboard\"", StringComparison.Ordinal) && l.Contains("\"token\":\"tgb_", StringComparison.Ordinal)), output);
        var revoked = lines.IndexOf("204");
        Assert.True(revoked >= 0 && lines.IndexOf("401") == revoked + 1, "Revoking should answer 204, then the token 401.\n" + output);
        Assert.True(lines.Any(l => l.StartsWith("the echo bot stopped: TanagerApiException: ", StringComparison.Ordinal)), "The echo bot did not stop by throwing when its token was revoked.\n" + output);
        Assert.False(File.Exists(Path.Combine(Repository.Root, "echo-bot.log")));
    }
}
