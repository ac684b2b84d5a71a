using System.Globalization;
using System.Text;
using NUlid;

namespace Tanager.Internal;

/// <summary>
/// A search query as a person types it: free text with Slack-style filters (<c>in:#channel</c>, <c>from:@USER_ID</c>,
/// <c>before:YYYY-MM-DD</c>, <c>after:YYYY-MM-DD</c>, <c>is:thread</c>, <c>is:root</c> / <c>-is:thread</c>).
/// Several <c>in:</c> or <c>from:</c> filters mean any of them; several dates keep the narrowest range.
/// </summary>
internal sealed record ParsedSearch(
    string Text,
    IReadOnlyList<string> Channels,
    IReadOnlyList<Ulid> Authors,
    DateOnly? Before,
    DateOnly? After,
    SearchThreadFilter Thread)
{
    public bool HasFilters => Channels.Count > 0 || Authors.Count > 0 || Before is not null || After is not null || Thread != SearchThreadFilter.Any;

    /// <summary>The canonical form: filters first (lowercase keys, <c>#</c> and <c>@</c> written), then the free text.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        parts.AddRange(Channels.Select(c => "in:#" + c));
        parts.AddRange(Authors.Select(a => "from:@" + a));
        if (Before is { } before)
        {
            parts.Add("before:" + before.ToString(SearchQueryParser.DateFormat, CultureInfo.InvariantCulture));
        }
        if (After is { } after)
        {
            parts.Add("after:" + after.ToString(SearchQueryParser.DateFormat, CultureInfo.InvariantCulture));
        }
        if (Thread != SearchThreadFilter.Any)
        {
            parts.Add(Thread == SearchThreadFilter.RepliesOnly ? "is:thread" : "is:root");
        }
        if (Text.Length > 0)
        {
            parts.Add(Text);
        }
        return string.Join(' ', parts);
    }

    /// <summary>Value equality, lists included (record equality compares lists by reference).</summary>
    public bool SameAs(ParsedSearch other) =>
        other is not null && Text == other.Text && Channels.SequenceEqual(other.Channels) && Authors.SequenceEqual(other.Authors)
        && Before == other.Before && After == other.After && Thread == other.Thread;
}

/// <summary>Turns the <c>q</c> of a search into a <see cref="ParsedSearch"/>. Never throws: a malformed filter is an error message.</summary>
internal static class SearchQueryParser
{
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>The parsed query, or (null, the reason) when a filter is malformed.</summary>
    public static (ParsedSearch? Query, string? Error) Parse(string? query)
    {
        var text = new List<string>();
        var channels = new List<string>();
        var authors = new List<Ulid>();
        DateOnly? before = null;
        DateOnly? after = null;
        var thread = SearchThreadFilter.Any;
        foreach (var token in (query ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = token.IndexOf(':', StringComparison.Ordinal);
            var key = colon > 0 ? token[..colon].ToLowerInvariant() : "";
            var value = colon > 0 ? token[(colon + 1)..] : "";
            switch (key)
            {
                case "in":
                    var channel = value.StartsWith('#') ? value[1..] : value;
                    if (channel.Length == 0)
                    {
                        return (null, "in: takes a channel name, such as in:#general.");
                    }
                    if (!channels.Contains(channel, StringComparer.Ordinal))
                    {
                        channels.Add(channel);
                    }
                    break;
                case "from":
                    var user = value.StartsWith('@') ? value[1..] : value;
                    if (!TryParseUlid(user, out var author))
                    {
                        return (null, "from: takes a user id, such as from:@01JD2T5V8Q3X7Y9Z0A1B2C3D4E.");
                    }
                    if (!authors.Contains(author))
                    {
                        authors.Add(author);
                    }
                    break;
                case "before" or "after":
                    if (!DateOnly.TryParseExact(value, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                    {
                        return (null, $"{key}: takes a UTC date as YYYY-MM-DD, such as {key}:2026-11-22.");
                    }
                    if (key == "before")
                    {
                        before = before is { } b && b < date ? b : date;
                    }
                    else
                    {
                        after = after is { } a && a > date ? a : date;
                    }
                    break;
                case "is" or "-is":
                    var wanted = value.ToLowerInvariant() switch
                    {
                        "thread" => key == "is" ? SearchThreadFilter.RepliesOnly : SearchThreadFilter.TopLevelOnly,
                        "root" when key == "is" => SearchThreadFilter.TopLevelOnly,
                        _ => (SearchThreadFilter?)null,
                    };
                    if (wanted is not { } filter)
                    {
                        return (null, "is: takes thread (replies only) or root (top-level messages only); -is:thread is is:root.");
                    }
                    if (thread != SearchThreadFilter.Any && thread != filter)
                    {
                        return (null, "Give is:thread or is:root, not both.");
                    }
                    thread = filter;
                    break;
                default:
                    text.Add(token);
                    break;
            }
        }
        return (new ParsedSearch(string.Join(' ', text), channels, authors, before, after, thread), null);
    }

    private static bool TryParseUlid(string value, out Ulid id)
    {
        id = default;
        if (value.Length != 26 || !value.All(char.IsAsciiLetterOrDigit))
        {
            return false;
        }
        try
        {
            return Ulid.TryParse(value, out id);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or OverflowException or IndexOutOfRangeException)
        {
            return false;
        }
    }
}
