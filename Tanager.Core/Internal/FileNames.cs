using System.Globalization;
using System.Text;

namespace Tanager.Internal;

/// <summary>
/// File names as people give them, checked once: refused when they could be read as a path or hide what they are, and
/// normalised to NFC so that names differing only by Unicode normalisation (é as one code point or e + ◌́) are one name.
/// </summary>
internal static class FileNames
{
    /// <summary>255 UTF-8 bytes: the longest file name ext4, APFS and NTFS all accept.</summary>
    public const int MaxBytes = 255;
    /// <summary>The key keeps the name readable in a bucket listing without making keys long: S3 allows 1,024 bytes.</summary>
    private const int MaxKeyNameLength = 100;

    /// <summary>The name to store and show (NFC), or a refusal saying what is wrong with it.</summary>
    public static string Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw TanagerException.Invalid("file_name is required.");
        }
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsHighSurrogate(name[i]) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(name[i]))
            {
                throw TanagerException.Invalid("file_name is not valid Unicode (a lone surrogate).");
            }
        }
        name = UnicodeNfc.Normalize(name);
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                || IsBidiControl(rune.Value))
            {
                throw TanagerException.Invalid("file_name must not contain control characters (including direction overrides, which can disguise a file's extension).");
            }
        }
        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) || name.Trim().Trim('.').Length == 0)
        {
            throw TanagerException.Invalid("file_name must be a plain name: no '/' or '\\', and not only dots or spaces.");
        }
        if (Encoding.UTF8.GetByteCount(name) > MaxBytes)
        {
            throw TanagerException.Invalid($"file_name must be at most {MaxBytes} bytes of UTF-8.");
        }
        if (name.Trim() != name)
        {
            throw TanagerException.Invalid("file_name must not start or end with spaces.");
        }
        return name;
    }

    /// <summary>
    /// The key's last segment: ASCII letters, digits, '.', '-' and '_' of the (already valid) name, others as '_', at
    /// most 100 characters, never starting with a dot. Keys stay valid on every store and in URLs without escaping rules
    /// that differ between stores; the real name is kept in the row and sent in Content-Disposition.
    /// </summary>
    public static string KeySegment(string name)
    {
        var builder = new StringBuilder(Math.Min(name.Length, MaxKeyNameLength));
        foreach (var c in name)
        {
            if (builder.Length == MaxKeyNameLength)
            {
                break;
            }
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }
        var segment = builder.ToString().TrimStart('.');
        return segment.Length == 0 ? "file" : segment;
    }

    /// <summary>A Content-Disposition value with an ASCII fallback and the exact name as RFC 6266/5987 <c>filename*</c>.</summary>
    public static string ContentDisposition(string kind, string name)
    {
        var fallback = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            fallback.Append(c is >= ' ' and < (char)127 and not '"' and not '\\' and not '%' ? c : '_');
        }
        return $"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{Uri.EscapeDataString(name)}";
    }

    /// <summary>U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069: characters that reorder how a name is displayed ("gpj.exe" shown as "exe.jpg").</summary>
    private static bool IsBidiControl(int c) => c is 0x061C or 0x200E or 0x200F or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069);
}
