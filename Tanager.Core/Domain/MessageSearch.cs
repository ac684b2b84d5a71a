using NUlid;

namespace Tanager;

/// <summary>Which messages a search keeps by their place in threads.</summary>
public enum SearchThreadFilter
{
    /// <summary>Top-level messages and replies alike.</summary>
    Any,
    /// <summary>Replies in threads only (<c>is:thread</c>).</summary>
    RepliesOnly,
    /// <summary>Top-level messages only (<c>is:root</c> or <c>-is:thread</c>).</summary>
    TopLevelOnly,
}

/// <summary>
/// A structured message search, as Core hands it to <see cref="ISearchStore"/>: the channels (already narrowed to those
/// the caller may read and, with <c>in:</c>, to those named), the free text, and the filters. Deleted messages never match.
/// </summary>
/// <param name="ChannelIds">Messages of these channels only; never empty when Core asks.</param>
/// <param name="Text">
/// Free text every word of which must match; empty for a filters-only search, which lists matching messages newest first.
/// </param>
/// <param name="Limit">The most messages to return.</param>
public sealed record MessageSearch(IReadOnlyCollection<Ulid> ChannelIds, string Text, int Limit)
{
    /// <summary>Messages by one of these authors; empty for anyone's.</summary>
    public IReadOnlyCollection<Ulid> AuthorIds { get; init; } = [];

    /// <summary>Messages created strictly before this instant; null for no bound.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>Messages created at or after this instant; null for no bound.</summary>
    public DateTimeOffset? CreatedOnOrAfter { get; init; }

    public SearchThreadFilter Thread { get; init; }
}
