using Tanager.Internal;

namespace Tanager.Tests.Files;

/// <summary>
/// The managed NFC that file names go through (string.Normalize does nothing under InvariantGlobalization). Expected
/// values are from Python's unicodedata.normalize('NFC', …), an independent implementation of the same UCD.
/// </summary>
public sealed class FileNameTests
{
    [Theory]
    [InlineData("e\u0301", "\u00e9")]                     // the everyday case: macOS sends names decomposed
    [InlineData("a\u0302\u0323", "\u1ead")]               // marks out of canonical order are reordered, then composed
    [InlineData("\u1100\u1161\u11a8", "\uac01")]          // Hangul jamo compose by rule
    [InlineData("\uac01", "\uac01")]
    [InlineData("\u212b", "\u00c5")]                      // a singleton (ANGSTROM SIGN) becomes its canonical letter
    [InlineData("\u0958", "\u0915\u093c")]                // a composition exclusion stays decomposed
    [InlineData("o\u0308\u0301", "\u00f6\u0301")]         // no composite exists for the second mark
    [InlineData("plain.txt", "plain.txt")]
    public void Names_are_normalised_to_nfc_as_the_unicode_database_defines_it(string input, string expected)
    {
        Assert.Equal(expected, UnicodeNfc.Normalize(input));
    }

    [Fact]
    public void A_download_disposition_carries_an_ascii_fallback_and_the_exact_name()
    {
        Assert.Equal("attachment; filename=\"r_sum_ _x_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22x%22.pdf",
            FileNames.ContentDisposition("attachment", "r\u00e9sum\u00e9 \"x\".pdf"));
    }
}
