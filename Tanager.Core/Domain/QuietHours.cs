namespace Tanager;

/// <summary>
/// A daily window in a person's own time zone (an IANA id such as <c>Europe/Berlin</c>) when no notification email is
/// sent. <see cref="Start"/> after <see cref="End"/> spans midnight (22:00–07:00). Messages that arrive then are not
/// emailed later: the unread badges show them, as a chat's "do not disturb" schedule does.
/// </summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End, string TimeZone)
{
    /// <summary>Whether <paramref name="at"/> falls in the window, in the window's time zone.</summary>
    public bool Contains(DateTimeOffset at)
    {
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById(TimeZone)).DateTime);
        return Start <= End ? local >= Start && local < End : local >= Start || local < End;
    }

    /// <summary>The stored form, <c>HH:mm HH:mm zone</c>.</summary>
    public override string ToString() =>
        $"{Start.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)} {End.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)} {TimeZone}";

    /// <summary>Reads <see cref="ToString"/>'s form back; null for anything else.</summary>
    public static QuietHours? Parse(string? stored)
    {
        var parts = stored?.Split(' ', 3);
        return parts is [var start, var end, var zone]
            && TimeOnly.TryParseExact(start, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var from)
            && TimeOnly.TryParseExact(end, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var to)
            ? new QuietHours(from, to, zone)
            : null;
    }
}
