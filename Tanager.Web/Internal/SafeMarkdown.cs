using System.Net;
using System.Text;

namespace Tanager.Web.Internal;

/// <summary>
/// Turns a message's text into HTML that cannot inject markup: every character of the text is HTML-encoded, and only
/// the tags written here are ever emitted — <c>**bold**</c>, <c>_italic_</c>, <c>`code`</c>, fenced code blocks, and
/// links whose target is an absolute http or https URL (<c>[text](url)</c> or a bare URL), and mentions
/// (<c>&lt;@USER_ID&gt;</c>, shown as <c>@Name</c>). Anything else stays text.
/// A few hundred lines of Markdig would add ~400 KB to the first load for features a chat message does not use.
/// </summary>
internal static class SafeMarkdown
{
    /// <summary>Bold inside italic inside a link is plenty; the limit keeps a hostile message from recursing deeply.</summary>
    private const int MaxDepth = 4;
    private const string Fence = "```";

    /// <param name="text">The message's text.</param>
    /// <param name="mentions">How a mention is shown: the user's name, or null for someone unknown; and whether it is the reader.</param>
    public static string ToHtml(string? text, Func<string, (string? Name, bool Me)>? mentions = null)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var html = new StringBuilder(text.Length + 32);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var inCode = false;
        var firstTextLine = true;
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith(Fence, StringComparison.Ordinal))
            {
                // The fence's info string (```csharp) is not shown; an unclosed fence runs to the end of the message.
                html.Append(inCode ? "</code></pre>" : "<pre><code>");
                inCode = !inCode;
                firstTextLine = true;
                continue;
            }
            if (inCode)
            {
                html.Append(WebUtility.HtmlEncode(line)).Append('\n');
                continue;
            }
            if (!firstTextLine)
            {
                html.Append("<br>");
            }
            firstTextLine = false;
            Inline(html, line, 0, mentions);
        }
        if (inCode)
        {
            html.Append("</code></pre>");
        }
        return html.ToString();
    }

    private static void Inline(StringBuilder html, string text, int depth, Func<string, (string? Name, bool Me)>? mentions)
    {
        var plain = 0;
        var i = 0;
        while (i < text.Length)
        {
            var next = Span(text, i, depth, mentions, out var markup);
            if (next > i)
            {
                Encode(html, text, plain, i);
                html.Append(markup);
                i = next;
                plain = i;
            }
            else
            {
                i++;
            }
        }
        Encode(html, text, plain, text.Length);
    }

    /// <summary>The end of a formatted span starting at <paramref name="i"/> and its HTML, or <paramref name="i"/> when none starts there.</summary>
    private static int Span(string text, int i, int depth, Func<string, (string? Name, bool Me)>? mentions, out string markup)
    {
        markup = "";
        var c = text[i];
        if (c == '`')
        {
            var end = text.IndexOf('`', i + 1);
            if (end > i + 1)
            {
                markup = "<code>" + WebUtility.HtmlEncode(text[(i + 1)..end]) + "</code>";
                return end + 1;
            }
            return i;
        }
        if (c == '<' && MentionAt(text, i) is { } userId)
        {
            var (name, me) = mentions?.Invoke(userId) ?? (null, false);
            markup = $"<span class=\"tg-mention{(me ? " tg-mention-me" : "")}\">@{WebUtility.HtmlEncode(name ?? "someone")}</span>";
            return i + MentionLength;
        }
        if (depth >= MaxDepth)
        {
            return i;
        }
        if (c == '*' && i + 1 < text.Length && text[i + 1] == '*')
        {
            var end = text.IndexOf("**", i + 2, StringComparison.Ordinal);
            if (end > i + 2)
            {
                markup = "<strong>" + InlineToString(text[(i + 2)..end], depth + 1, mentions) + "</strong>";
                return end + 2;
            }
            return i;
        }
        if (c == '_' && AtWordStart(text, i))
        {
            // snake_case_names stay as they are: an underscore closes only where a word ends.
            for (var end = text.IndexOf('_', i + 1); end > i + 1; end = text.IndexOf('_', end + 1))
            {
                if (end + 1 == text.Length || !char.IsLetterOrDigit(text[end + 1]))
                {
                    markup = "<em>" + InlineToString(text[(i + 1)..end], depth + 1, mentions) + "</em>";
                    return end + 1;
                }
            }
            return i;
        }
        if (c == '[')
        {
            var close = text.IndexOf("](", i + 1, StringComparison.Ordinal);
            var end = close < 0 ? -1 : text.IndexOf(')', close + 2);
            if (close > i + 1 && end > close + 2 && SafeUrl(text[(close + 2)..end]) is { } url)
            {
                markup = Link(url, InlineToString(text[(i + 1)..close], depth + 1, mentions));
                return end + 1;
            }
            return i;
        }
        if ((c == 'h' || c == 'H') && AtWordStart(text, i)
            && (text.AsSpan(i).StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.AsSpan(i).StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
        {
            var end = i;
            while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] != '<' && text[end] != '>')
            {
                end++;
            }
            // "see https://example.com." links the address, not the full stop.
            while (end > i && ".,;:!?)]'\"".Contains(text[end - 1], StringComparison.Ordinal))
            {
                end--;
            }
            if (SafeUrl(text[i..end]) is { } url)
            {
                markup = Link(url, WebUtility.HtmlEncode(text[i..end]));
                return end;
            }
        }
        return i;
    }

    private static string InlineToString(string text, int depth, Func<string, (string? Name, bool Me)>? mentions)
    {
        var html = new StringBuilder(text.Length + 16);
        Inline(html, text, depth, mentions);
        return html.ToString();
    }

    /// <summary>An absolute http(s) URL, normalised (so quotes and spaces are percent-encoded), or null: no javascript:, data: or relative targets.</summary>
    internal static string? SafeUrl(string candidate) =>
        Uri.TryCreate(candidate.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri.AbsoluteUri
            : null;

    /// <summary><c>&lt;@</c>, a 26-character user id (letters and digits), <c>&gt;</c>.</summary>
    private const int MentionLength = 29;

    /// <summary>The user id of a mention starting at <paramref name="i"/>, or null.</summary>
    internal static string? MentionAt(string text, int i)
    {
        if (i + MentionLength > text.Length || text[i] != '<' || text[i + 1] != '@' || text[i + MentionLength - 1] != '>')
        {
            return null;
        }
        var id = text.AsSpan(i + 2, MentionLength - 3);
        foreach (var ch in id)
        {
            if (!char.IsAsciiLetterOrDigit(ch))
            {
                return null;
            }
        }
        return id.ToString();
    }

    private static string Link(string url, string innerHtml) =>
        $"<a href=\"{WebUtility.HtmlEncode(url)}\" target=\"_blank\" rel=\"noopener noreferrer nofollow\">{innerHtml}</a>";

    private static bool AtWordStart(string text, int i) => i == 0 || !char.IsLetterOrDigit(text[i - 1]);

    private static void Encode(StringBuilder html, string text, int start, int end)
    {
        if (end > start)
        {
            html.Append(WebUtility.HtmlEncode(text[start..end]));
        }
    }
}
