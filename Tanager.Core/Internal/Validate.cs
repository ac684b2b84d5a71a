using System.Text.RegularExpressions;

namespace Tanager.Internal;

/// <summary>Input rules shared by every service. Limits are chosen so that a row always fits comfortably in an index entry.</summary>
internal static partial class Validate
{
    public const int MaxEmailLength = 254; // RFC 5321 §4.5.3.1.3 path limit
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 1024; // bounds Argon2 input work per request
    public const int MaxDisplayNameLength = 64;
    public const int MaxWorkspaceNameLength = 80;
    public const int MaxChannelNameLength = 80;
    public const int MaxTopicLength = 250;
    public const int MaxMessageLength = 4000;
    public const int MaxSearchQueryLength = 256;

    [GeneratedRegex("^[^@\\s]+@[^@\\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ChannelNamePattern();

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex NoncePattern();

    public static string? Nonce(string? nonce)
    {
        if (nonce is not null && !NoncePattern().IsMatch(nonce))
        {
            throw TanagerException.Invalid("nonce must be 1 to 64 characters of letters, digits, '.', '_', ':' and '-'.");
        }
        return nonce;
    }

    /// <summary>Whether the text has the shape of an email address (the rule <see cref="Email"/> enforces), without refusing it.</summary>
    public static bool LooksLikeEmail(string? text) => text is { Length: > 0 and <= MaxEmailLength } && EmailPattern().IsMatch(text);

    public static string Email(string? email)
    {
        var value = email?.Trim();
        if (string.IsNullOrEmpty(value) || value.Length > MaxEmailLength || !EmailPattern().IsMatch(value))
        {
            throw TanagerException.Invalid("email must be an email address of at most 254 characters.");
        }
        return value;
    }

    public static string Password(string? password)
    {
        if (password is null || password.Length < MinPasswordLength || password.Length > MaxPasswordLength)
        {
            throw TanagerException.Invalid($"password must be {MinPasswordLength} to {MaxPasswordLength} characters.");
        }
        // NIST SP 800-63B §5.1.1.2: no composition rules, but refuse what attackers try first.
        if (CommonPasswords.Contains(password))
        {
            throw new TanagerException(TanagerErrorKind.InvalidRequest, Protocol.ErrorCodes.PasswordTooCommon, "This password is one of the most common passwords, which attackers try first: choose another (a few unrelated words make a good one).");
        }
        return password;
    }

    public static string Text(string? value, string field, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > maxLength || HasControlCharacters(trimmed))
        {
            throw TanagerException.Invalid($"{field} must be 1 to {maxLength} characters with no control characters.");
        }
        return trimmed;
    }

    public static string? OptionalText(string? value, string field, int maxLength)
    {
        return string.IsNullOrWhiteSpace(value) ? null : Text(value, field, maxLength);
    }

    public static string ChannelName(string? name)
    {
        var value = name?.Trim();
        if (string.IsNullOrEmpty(value) || value.Length > MaxChannelNameLength || !ChannelNamePattern().IsMatch(value))
        {
            throw TanagerException.Invalid("name must be 1 to 80 characters of a-z, 0-9, '-' and '_', starting with a letter or digit.");
        }
        return value;
    }

    /// <summary>Message content keeps its inner new lines and tabs; other control characters are refused.</summary>
    public static string MessageContent(string? content)
    {
        if (string.IsNullOrWhiteSpace(content) || content.Length > MaxMessageLength)
        {
            throw TanagerException.Invalid($"content must be 1 to {MaxMessageLength} characters and not blank.");
        }
        foreach (var c in content)
        {
            if (char.IsControl(c) && c is not '\n' and not '\r' and not '\t')
            {
                throw TanagerException.Invalid("content must not contain control characters other than new lines and tabs.");
            }
        }
        return content;
    }

    public static int Limit(int? limit, int defaultValue, int max)
    {
        var value = limit ?? defaultValue;
        if (value < 1 || value > max)
        {
            throw TanagerException.Invalid($"limit must be between 1 and {max}.");
        }
        return value;
    }

    public static long Sequence(long? value, string field)
    {
        if (value is < 0)
        {
            throw TanagerException.Invalid($"{field} must not be negative.");
        }
        return value ?? 0;
    }

    private static bool HasControlCharacters(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }
        return false;
    }
}
