using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Tanager.Internal;

/// <summary>
/// What may be a reaction: one Unicode emoji (a single grapheme made of emoji code points, with the joiners, variation
/// selectors, skin tones, keycaps and tags that build sequences such as 👩🏽‍💻 or 🏴󠁧󠁢󠁳󠁣󠁴󠁿), or a custom short name such as <c>:party_parrot:</c>.
/// Never arbitrary text.
/// </summary>
internal static partial class Emoji
{
    /// <summary>The longest RGI emoji (a flag with tag characters, a family ZWJ sequence) is 14 UTF-16 units; 32 leaves room.</summary>
    public const int MaxUnicodeLength = 32;

    [GeneratedRegex("^:[a-z0-9_+-]{1,32}:$", RegexOptions.CultureInvariant)]
    private static partial Regex ShortNamePattern();

    public static string Validate(string? emoji)
    {
        if (emoji is not null && (ShortNamePattern().IsMatch(emoji) || IsUnicodeEmoji(emoji)))
        {
            return emoji;
        }
        throw TanagerException.Invalid("emoji must be one Unicode emoji or a short name like :party_parrot: (a-z, 0-9, '_', '+', '-', at most 32 between the colons).");
    }

    private static bool IsUnicodeEmoji(string value)
    {
        if (value.Length == 0 || value.Length > MaxUnicodeLength || new StringInfo(value).LengthInTextElements != 1)
        {
            return false;
        }
        var first = true;
        var keycapBase = false;
        var last = default(Rune);
        foreach (var rune in value.EnumerateRunes())
        {
            if (first)
            {
                // A keycap sequence starts with an ASCII digit, '#' or '*' and must end with U+20E3.
                keycapBase = rune.Value is >= '0' and <= '9' or '#' or '*';
                if (!keycapBase && !IsPictographic(rune.Value))
                {
                    return false;
                }
                first = false;
            }
            else if (!IsPictographic(rune.Value) && !IsModifier(rune.Value))
            {
                return false;
            }
            last = rune;
        }
        return !keycapBase || last.Value == 0x20E3;
    }

    /// <summary>The blocks that hold emoji (Unicode 15.1 emoji-data.txt, Extended_Pictographic and Emoji_Component).</summary>
    private static bool IsPictographic(int c) => c is
        0x00A9 or 0x00AE or 0x203C or 0x2049 or 0x2122 or 0x2139 or (>= 0x2194 and <= 0x21AA) or 0x231A or 0x231B or 0x2328 or 0x23CF
        or (>= 0x23E9 and <= 0x23FA) or 0x24C2 or (>= 0x25AA and <= 0x25FE) or (>= 0x2600 and <= 0x27BF) or 0x2934 or 0x2935
        or (>= 0x2B05 and <= 0x2B55) or 0x3030 or 0x303D or 0x3297 or 0x3299 or (>= 0x1F000 and <= 0x1FAFF);

    /// <summary>Zero-width joiner, variation selectors 15/16, the combining keycap and tag characters (skin tones are in 1F3FB–1F3FF, pictographic above).</summary>
    private static bool IsModifier(int c) => c is 0x200D or 0xFE0E or 0xFE0F or 0x20E3 or (>= 0xE0020 and <= 0xE007F);
}
