using System.Text.RegularExpressions;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.Web;

/// <summary>docs/web-client.md's embedding examples are the samples' code, which the browser tests run.</summary>
public sealed partial class WebClientDocsTests
{
    [GeneratedRegex(@"<!-- web-client:sample (?<path>\S+) -->\s*```\w*\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex SampleBlock();

    [Fact]
    public void Every_marked_example_of_the_web_client_guide_is_in_its_sample_line_by_line_in_order()
    {
        var guide = File.ReadAllText(Path.Combine(Repository.Root, "docs", "web-client.md"));
        var blocks = SampleBlock().Matches(guide);

        Assert.True(blocks.Count >= 2, $"only {blocks.Count} marked examples");
        foreach (Match block in blocks)
        {
            var path = block.Groups["path"].Value;
            var sample = File.ReadAllLines(Path.Combine(Repository.Root, path)).Select(l => l.Trim()).ToList();
            var at = 0;
            foreach (var line in block.Groups["code"].Value.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
            {
                var found = sample.IndexOf(line, at);
                Assert.True(found >= 0, $"docs/web-client.md shows a line that is not in {path} (in this order): {line}");
                at = found + 1;
            }
        }
    }
}
