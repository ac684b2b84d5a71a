using System.Buffers.Text;
using System.Globalization;

namespace Tanager.LoadTest;

/// <summary>
/// The message body every target carries: <c>lt:&lt;sequence&gt;:&lt;stopwatch timestamp&gt;:xxxx…</c>.
/// Publisher and subscribers share one process, so a <see cref="System.Diagnostics.Stopwatch"/> timestamp taken at
/// publish time is directly comparable with one taken on receipt. Only digits, letters and ':' are used so the text
/// survives JSON string escaping unchanged and can be found in a raw gateway frame without parsing it.
/// </summary>
internal static class Payload
{
    private const string Marker = "lt:";
    private const char Separator = ':';
    private const char Padding = 'x';

    /// <summary>Room for the marker, two 19-digit longs and two separators; smaller sizes are rejected up front.</summary>
    public const int MinimumSize = 64;

    private static ReadOnlySpan<byte> MarkerUtf8 => "lt:"u8;

    public static string Create(long sequence, long timestamp, int size)
    {
        var head = string.Create(CultureInfo.InvariantCulture, $"{Marker}{sequence}{Separator}{timestamp}{Separator}");
        return head.Length >= size ? head : string.Concat(head, new string(Padding, size - head.Length));
    }

    /// <summary>Finds the payload inside a UTF-8 frame (a raw message or a whole JSON gateway envelope).</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out long sequence, out long timestamp)
    {
        sequence = 0;
        timestamp = 0;
        var at = utf8.IndexOf(MarkerUtf8);
        if (at < 0)
        {
            return false;
        }
        var rest = utf8[(at + MarkerUtf8.Length)..];
        if (!Utf8Parser.TryParse(rest, out sequence, out var used) || used >= rest.Length || rest[used] != (byte)Separator)
        {
            return false;
        }
        rest = rest[(used + 1)..];
        return Utf8Parser.TryParse(rest, out timestamp, out used) && used < rest.Length && rest[used] == (byte)Separator;
    }

    /// <summary>Same as the UTF-8 overload, for clients (SignalR) that hand over a decoded string.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out long sequence, out long timestamp)
    {
        sequence = 0;
        timestamp = 0;
        var at = text.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return false;
        }
        var rest = text[(at + Marker.Length)..];
        var end = rest.IndexOf(Separator);
        if (end < 0 || !long.TryParse(rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out sequence))
        {
            return false;
        }
        rest = rest[(end + 1)..];
        end = rest.IndexOf(Separator);
        return end >= 0 && long.TryParse(rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out timestamp);
    }
}
