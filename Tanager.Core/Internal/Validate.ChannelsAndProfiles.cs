using System.Text.RegularExpressions;

namespace Tanager.Internal;

internal static partial class Validate
{
    public const int MaxDescriptionLength = 1000;
    /// <summary>Long enough for signed CDN URLs, short enough to sit in every member list and event.</summary>
    public const int MaxAvatarUrlLength = 2048;
    public const int MaxStatusTextLength = 100;
    /// <summary>Room for a ZWJ family emoji (up to 11 UTF-16 units) or a :short_name: of custom emoji.</summary>
    public const int MaxStatusEmojiLength = 64;
    public const int MaxInviteUses = 100_000;
    /// <summary>One year: longer-lived links are better made unlimited on purpose (no expiry) than by accident.</summary>
    public const long MaxInviteLifetimeSeconds = 365L * 24 * 3600;

    [GeneratedRegex("^:[a-z0-9_+-]{1,62}:$", RegexOptions.CultureInvariant)]
    private static partial Regex ShortEmojiPattern();

    /// <summary>Text that may be cleared: null means "leave as is", empty or whitespace means "remove".</summary>
    public static string? ClearableText(string? value, string field, int maxLength) =>
        value is null ? null : string.IsNullOrWhiteSpace(value) ? "" : Text(value, field, maxLength);

    /// <summary>An absolute http or https URL without spaces or control characters; "" clears, null leaves as is.</summary>
    public static string? AvatarUrl(string? value)
    {
        if (value is null)
        {
            return null;
        }
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            return "";
        }
        if (trimmed.Length > MaxAvatarUrlLength || trimmed.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
            || !Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host) || uri.UserInfo.Length > 0)
        {
            throw TanagerException.Invalid($"avatar_url must be an absolute http or https URL of at most {MaxAvatarUrlLength} characters, without credentials.");
        }
        return trimmed;
    }

    /// <summary>A Unicode emoji (no letters, digits or spaces) or a :short_name:; "" clears, null leaves as is.</summary>
    public static string? StatusEmoji(string? value)
    {
        if (value is null)
        {
            return null;
        }
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            return "";
        }
        var valid = trimmed.Length <= MaxStatusEmojiLength
            && (ShortEmojiPattern().IsMatch(trimmed)
                || !trimmed.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || char.IsAsciiLetterOrDigit(c)));
        if (!valid)
        {
            throw TanagerException.Invalid("status_emoji must be one emoji or a :short_name: of lower-case letters, digits, '_', '+' and '-'.");
        }
        return trimmed;
    }
}
