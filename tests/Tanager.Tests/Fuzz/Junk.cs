using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Tanager.Tests.Fuzz;

/// <summary>Generators of hostile values shared by the REST and gateway fuzzers.</summary>
internal static class Junk
{
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>Strings that have broken parsers before: escapes, normalisation, direction marks, NUL, emoji sequences.</summary>
    private static readonly string[] Nasty =
    [
        "", " ", "\t", "\n", "\r\n", "\0", "null", "undefined", "NaN", "-1", "0", "1e309", "true", "[]", "{}", "'", "\"", "\\",
        "%", "%00", "../", "..\\..", "/", "?", "#", "&", "=", "+", "é", "e\u0301", "ﬁ", "İ", "ß", "\u202e", "\u200b", "\ufeff", "\uffff",
        "😀", "👍🏽", "👨‍👩‍👧", "🇫🇷", "中文", "עברית", "𝄞", "\u0085", "\u2028", "<script>", "' OR 1=1 --", "${jndi:x}", "%s%n",
        "@everyone", "<@01ARZ3NDEKTSV4RRFFQ69G5FAV>", "a\u0000b",
    ];

    public static Gen<string> Ulid() =>
        from first in Gen.Elements("0123456789ABZz".ToCharArray())
        from rest in Gen.Elements((Crockford + "abciloIL").ToCharArray()).ArrayOf(25)
        select first + new string(rest);

    /// <summary>Random text: any UTF-16 code unit (lone surrogates included), biased to ASCII.</summary>
    public static Gen<string> Text() =>
        Gen.Frequency(
            (6, Gen.Choose(0x20, 0x7e).Select(c => (char)c).ArrayOf().Select(c => new string(c))),
            (3, Gen.Choose(0, 0xffff).Select(c => (char)c).ArrayOf().Select(c => new string(c))),
            (4, Gen.Elements(Nasty)),
            (1, Gen.Elements(Nasty).ArrayOf().Select(string.Concat)));

    public static Gen<string> Huge() =>
        from length in Gen.Elements(300, 1_000, 4_097, 9_000, 20_000, 70_000)
        from unit in Gen.Elements("a", "é", "😀", "%", "\u0301", "ab")
        select string.Concat(Enumerable.Repeat(unit, length / unit.Length));

    /// <summary>Percent-encoding that is malformed, encodes separators or NUL, or decodes to invalid UTF-8.</summary>
    public static Gen<string> PercentJunk() =>
        Gen.Elements("%", "%Z", "%ZZ", "%0", "%00", "%2F", "%2f..%2f", "%2e%2e", "..", ".", "%C3%28", "%ED%A0%80", "%FF%FE", "%u0041", "%%",
            "%252F", "%E2%80%AE", "%F0%9F%98", "a%20b", "%C0%AF", "%5C", "%3F", "%23", "%0D%0A");

    /// <summary>Everything not unreserved (RFC 3986) as UTF-8 percent-escapes; lone surrogates become U+FFFD, as any encoder does.</summary>
    public static string Escape(string value)
    {
        var text = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return text.ToString();
    }

    /// <summary>A JSON string literal of <paramref name="value"/>, escaping what JSON requires (lone surrogates as \uXXXX escapes).</summary>
    public static string JsonString(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case < ' ' or (>= '\ud800' and <= '\udfff'):
                    text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }
        return text.Append('"').ToString();
    }

    /// <summary>JSON values of every type, and the edges of numbers and strings.</summary>
    public static Gen<string> JsonValue() =>
        Gen.Frequency(
            (6, Gen.Elements("null", "true", "false", "0", "-1", "1", "1.5", "-0", "1e309", "-1e309", "1e-400", "2147483648", "-2147483649",
                "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616", "1" + new string('0', 400),
                "\"\"", "\" \"", "\"\\ud800\"", "\"\\udc00x\"", "\"a\\ud800\\ud800b\"", "\"\\u0000\"", "\"\\u202e\"", "[]", "{}", "[null]", "[1,2]",
                "[\"\"]", "{\"a\":1}", "[[]]", "\"01ARZ3NDEKTSV4RRFFQ69G5FAV\"", "\"0000000000000000000000000\"", "\"ZZZZZZZZZZZZZZZZZZZZZZZZZZ\"")),
            (4, Text().Select(JsonString)),
            (1, Huge().Select(JsonString)),
            (1, Gen.Elements(10, 64, 65, 1_000, 5_000).Select(depth => new string('[', depth) + new string(']', depth))),
            (1, Gen.Elements(10, 64, 65, 1_000).Select(depth => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth))),
            (1, Gen.Choose(0, 3_000).Select(n => "[" + string.Join(',', Enumerable.Repeat("\"01ARZ3NDEKTSV4RRFFQ69G5FAV\"", n)) + "]")));

    /// <summary>Bodies that are not a JSON object at all.</summary>
    public static Gen<byte[]> BrokenJson() =>
        Gen.OneOf(
            Gen.Elements("", " ", "{", "}", "[]", "null", "\"text\"", "123", "{}x", "{} {}", "{\"a\":}", "{'a':1}", "{\"a\":1,}", "{\"a\" 1}", "\ufeff{}",
                "{\"a\":\"\\ud800\"", "{\"a\":\"\\x41\"}", "{\"a\":01}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":\"\u0001\"}", "/* c */ {}", "{\"__proto__\":{}}")
                .Select(Encoding.UTF8.GetBytes),
            Gen.Elements<byte[]>([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d], [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d], [0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00],
                [0x7b, 0x22, 0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x22, 0x3a, 0x22, 0xf8, 0x88, 0x80, 0x80, 0x80, 0x22, 0x7d], [0x00, 0x00, 0x00]),
            Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(),
            JsonValue().Select(Encoding.UTF8.GetBytes));
}
