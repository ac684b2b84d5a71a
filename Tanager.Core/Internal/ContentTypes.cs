namespace Tanager.Internal;

/// <summary>What a content type is allowed to be, and how a download of it is served.</summary>
internal static class ContentTypes
{
    /// <summary>
    /// Shown inline by browsers: raster images only. SVG (scripts), HTML and everything else is always a download, since a
    /// file served from Tanager's origin must never run there.
    /// </summary>
    private static readonly HashSet<string> Inline = new(StringComparer.Ordinal) { "image/png", "image/jpeg", "image/gif", "image/webp" };

    /// <summary>RFC 6838 restricted-name: at most 127 characters each side.</summary>
    private const int MaxPart = 127;

    /// <summary>The lowercase <c>type/subtype</c>, or null when <paramref name="value"/> is not one (parameters are not accepted).</summary>
    public static string? Normalize(string? value)
    {
        if (value is null)
        {
            return null;
        }
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash > MaxPart || value.Length - slash - 1 is < 1 or > MaxPart)
        {
            return null;
        }
        for (var i = 0; i < value.Length; i++)
        {
            if (i != slash && !IsNameChar(value[i], first: i == 0 || i == slash + 1))
            {
                return null;
            }
        }
        return value.ToLowerInvariant();
    }

    public static bool Matches(string contentType, IEnumerable<string> patterns) => patterns.Any(p =>
        p.EndsWith("/*", StringComparison.Ordinal)
            ? contentType.StartsWith(p[..^1], StringComparison.OrdinalIgnoreCase)
            : string.Equals(p, contentType, StringComparison.OrdinalIgnoreCase));

    public static bool IsInline(string contentType) => Inline.Contains(contentType);

    /// <summary>
    /// The headers a download is served with: inline with its type for a safe image, otherwise a download as
    /// <c>application/octet-stream</c>, so that no store (S3 cannot send <c>X-Content-Type-Options</c>) lets a browser render it.
    /// </summary>
    public static FileDownload DownloadOf(string contentType, string fileName)
    {
        var inline = IsInline(contentType);
        return new FileDownload(inline ? contentType : "application/octet-stream", FileNames.ContentDisposition(inline ? "inline" : "attachment", fileName));
    }

    private static bool IsNameChar(char c, bool first) =>
        char.IsAsciiLetterOrDigit(c) || (!first && c is '!' or '#' or '$' or '&' or '-' or '^' or '_' or '.' or '+');
}
