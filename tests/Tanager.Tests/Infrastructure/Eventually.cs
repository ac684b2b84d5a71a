namespace Tanager.Tests.Infrastructure;

internal static class Eventually
{
    /// <summary>Waits for a task with a generous deadline so a slow CI machine does not fail a correct test.</summary>
    public static async Task<T> Within<T>(this Task<T> task, int seconds = 20) => await task.WaitAsync(TimeSpan.FromSeconds(seconds));

    public static async Task Within(this Task task, int seconds = 20) => await task.WaitAsync(TimeSpan.FromSeconds(seconds));

    /// <summary>
    /// Polls <paramref name="condition"/> until true or the deadline passes; returns whether it became true. Deadlines are
    /// on the monotonic clock: this VM's wall clock can be stepped, and a step once ended a 60 s wait after 6 s.
    /// </summary>
    public static async Task<bool> Until(Func<bool> condition, int seconds = 20)
    {
        var deadline = Environment.TickCount64 + seconds * 1000L;
        while (Environment.TickCount64 < deadline)
        {
            if (condition())
            {
                return true;
            }
            await Task.Delay(20);
        }
        return condition();
    }

    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, int seconds = 20)
    {
        var deadline = Environment.TickCount64 + seconds * 1000L;
        while (Environment.TickCount64 < deadline)
        {
            if (await condition())
            {
                return true;
            }
            await Task.Delay(100);
        }
        return await condition();
    }
}
