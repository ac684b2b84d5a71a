using Tanager.Web.Internal;

namespace Tanager.Tests.Web;

/// <summary>The web client's message renderer: a small Markdown subset, and no way to get HTML of one's own onto the page.</summary>
public sealed class SafeMarkdownTests
{
    [Theory]
    [InlineData("**bold**", "<strong>bold</strong>")]
    [InlineData("_italic_ text", "<em>italic</em> text")]
    [InlineData("a `<b>code</b>` span", "a <code>&lt;b&gt;code&lt;/b&gt;</code> span")]
    [InlineData("snake_case_name stays", "snake_case_name stays")]
    [InlineData("**bold _and italic_**", "<strong>bold <em>and italic</em></strong>")]
    [InlineData("line one\nline two", "line one<br>line two")]
    [InlineData("```\nif (a < b) {}\n```", "<pre><code>if (a &lt; b) {}\n</code></pre>")]
    [InlineData("[docs](https://example.com/a?b=1&c=2)", "<a href=\"https://example.com/a?b=1&amp;c=2\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">docs</a>")]
    [InlineData("see https://example.com.", "see <a href=\"https://example.com/\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">https://example.com</a>.")]
    public void Renders_the_subset(string text, string html) => Assert.Equal(html, SafeMarkdown.ToHtml(text));

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("[x](https://example.com/\"onmouseover=\"alert(1))")]
    [InlineData("**<iframe src=//evil>**")]
    [InlineData("https://example.com/<script>")]
    [InlineData("`</code><script>x</script>`")]
    [InlineData("```\n</code></pre><script>x</script>\n```")]
    public void Nothing_becomes_markup_but_the_subset(string text)
    {
        var html = SafeMarkdown.ToHtml(text);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"javascript", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"data", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\"onmouseover", html, StringComparison.OrdinalIgnoreCase);
        // Every tag in the output is one the renderer writes.
        foreach (var tag in System.Text.RegularExpressions.Regex.Matches(html, "<(/?)([a-z]+)").Select(m => m.Groups[2].Value))
        {
            Assert.Contains(tag, new[] { "strong", "em", "code", "pre", "a", "br", "span" });
        }
    }

    private const string AnnId = "01JD0000000000000000000ANN";
    private const string EveId = "01JD0000000000000000000EVE";

    [Theory]
    [InlineData("hi <@01JD0000000000000000000ANN>!", "hi <span class=\"tg-mention tg-mention-me\">@Ann</span>!")]
    [InlineData("**<@01JD0000000000000000000EVE>**", "<strong><span class=\"tg-mention\">@&lt;b&gt;Eve&lt;/b&gt;</span></strong>")]
    [InlineData("<@01JD00000000000000000000XX>", "<span class=\"tg-mention\">@someone</span>")]
    [InlineData("<@short> and <@01JD0000000000000000000AN!>", "&lt;@short&gt; and &lt;@01JD0000000000000000000AN!&gt;")]
    public void Mentions_show_the_name_encoded_and_the_reader_s_own_highlighted(string text, string html)
    {
        (string? Name, bool Me) Names(string id) => id switch
        {
            AnnId => ("Ann", true),
            EveId => ("<b>Eve</b>", false),
            _ => (null, false),
        };
        Assert.Equal(html, SafeMarkdown.ToHtml(text, Names));
    }
}
