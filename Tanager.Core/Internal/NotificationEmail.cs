using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using NUlid;

namespace Tanager.Internal;

/// <summary>
/// The text of one notification email: plain text only (no HTML part, so nothing in a message can become markup), each
/// message as its channel, author and an excerpt with mentions written as names and Markdown marks removed.
/// </summary>
internal static partial class NotificationEmail
{
    /// <summary>Messages listed in one email; the rest are counted. A long absence should not produce a novel.</summary>
    public const int MaxListed = 20;
    /// <summary>Characters of each excerpt: about two lines of a mail reader.</summary>
    public const int ExcerptLength = 160;

    public sealed record Item(Channel Channel, Message Message, string AuthorName);

    public static MimeMessage Compose(string from, User recipient, IReadOnlyList<Item> items, Func<Ulid, string> nameOf, string baseUrl, string unsubscribeUrl)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(new MailboxAddress(recipient.DisplayName, recipient.Email));
        message.Subject = items.Count == 1 ? "1 unread message on Tanager" : $"{items.Count.ToString(CultureInfo.InvariantCulture)} unread messages on Tanager";
        // RFC 2369 and RFC 8058: mail readers show their own unsubscribe button and POST to the link.
        message.Headers.Add("List-Unsubscribe", $"<{unsubscribeUrl}>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        var body = new StringBuilder();
        body.Append("Hello ").Append(OneLine(recipient.DisplayName)).Append(",\n\nWhile you were away:\n\n");
        foreach (var item in items.Take(MaxListed))
        {
            body.Append(Where(item.Channel)).Append(" - ").Append(OneLine(item.AuthorName)).Append(", ")
                .Append(item.Message.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)).Append(":\n  ")
                .Append(Excerpt(item.Message.Content, nameOf)).Append("\n\n");
        }
        if (items.Count > MaxListed)
        {
            body.Append("... and ").Append((items.Count - MaxListed).ToString(CultureInfo.InvariantCulture)).Append(" more.\n\n");
        }
        body.Append("Open Tanager to reply: ").Append(baseUrl).Append("\n\n--\nYou get this email because you were mentioned or sent a direct message while away.\n")
            .Append("Stop these emails: ").Append(unsubscribeUrl).Append('\n');
        message.Body = new TextPart("plain") { Text = body.ToString() };
        return message;
    }

    public static string Where(Channel channel) => channel.Kind switch
    {
        ChannelKind.Direct => "Direct message",
        ChannelKind.Group => "Group message",
        _ => "#" + OneLine(channel.Name),
    };

    /// <summary>Content as plain text on one line: mention tokens as @names, Markdown marks and control characters removed.</summary>
    public static string Excerpt(string content, Func<Ulid, string> nameOf)
    {
        var text = MentionToken().Replace(content, m => Ulid.TryParse(m.Groups[1].Value, out var id) ? "@" + nameOf(id) : m.Value);
        text = text.Replace(Mentions.Channel, "@channel", StringComparison.Ordinal).Replace(Mentions.Here, "@here", StringComparison.Ordinal);
        text = MarkdownLink().Replace(text, "$1 ($2)");
        text = MarkdownMarks().Replace(text, "");
        text = OneLine(text);
        return text.Length <= ExcerptLength ? text : string.Concat(text.AsSpan(0, ExcerptLength).TrimEnd(), "...");
    }

    private static string OneLine(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsControl(c) || char.IsWhiteSpace(c) ? ' ' : c);
        }
        return Spaces().Replace(builder.ToString(), " ").Trim();
    }

    [GeneratedRegex("<@([0-9A-Za-z]{26})>")]
    private static partial Regex MentionToken();

    [GeneratedRegex(@"\[([^\]\n]*)\]\(([^)\s]*)\)")]
    private static partial Regex MarkdownLink();

    /// <summary>Emphasis, code, strike-through, headings and quotes: the marks, not the words between them.</summary>
    [GeneratedRegex(@"(\*{1,3}|_{2,3}|~~|`{1,3}|^#{1,6}\s|^>\s?)", RegexOptions.Multiline)]
    private static partial Regex MarkdownMarks();

    [GeneratedRegex(" {2,}")]
    private static partial Regex Spaces();
}
