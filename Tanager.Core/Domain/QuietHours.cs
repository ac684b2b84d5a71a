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
    public override string ToString() => $"{Text(Start)} {Text(End)} {TimeZone}";

    /// <summary>Reads <see cref="ToString"/>'s form back; null for anything else.</summary>
    public static QuietHours? Parse(string? stored) =>
        stored?.Split(' ', 3) is [var start, var end, var zone] && TryParseTime(start, out var from) && TryParseTime(end, out var to)
            ? new QuietHours(from, to, zone)
            : null;

    /// <summary>A time of day as the API and the store write it: <c>HH:mm</c>, 24-hour.</summary>
    internal static string Text(TimeOnly time) => time.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reads <see cref="Text"/>'s form, exactly five characters.</summary>
    internal static bool TryParseTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out time);
}
