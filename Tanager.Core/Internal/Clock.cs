namespace Tanager.Internal;

internal static class Clock
{
    /// <summary>
    /// Now, in UTC, truncated to whole microseconds: the finest resolution PostgreSQL keeps, so a value reads back from
    /// every store exactly as it was written.
    /// </summary>
    public static DateTimeOffset UtcNow(this TimeProvider time)
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
    }
}
