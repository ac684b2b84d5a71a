using System.Runtime.InteropServices;

namespace Tanager.Internal;

/// <summary>
/// Lowers the calling thread's scheduling priority, for CPU-bound work that must yield to the real-time path (password
/// hashing). On Linux, <see cref="Thread.Priority"/> changes nothing, but the nice value is per thread and any thread
/// may raise its own without privileges: at nice 19 the kernel's fair scheduler gives it 1/70 of the weight of a normal
/// thread, so under contention message delivery runs first, and on an idle machine the thread still gets a whole core.
/// A server saturated by other work then checks passwords slowly, and the hashing queue's 503s say so. Under a login
/// flood, delivery's p99 was 67 and 82 ms at nice 10, 47–68 ms at nice 19 (benchmarks/README.md, "Login flood"). Elsewhere the managed priority is lowered. Best effort: a failure leaves the thread as it was.
/// </summary>
internal static class BackgroundThreadPriority
{
    /// <summary>Linux nice value of a lowered thread (0 normal, 19 lowest).</summary>
    public const int Nice = 19;

    private const int PrioProcess = 0;

    public static void Lower()
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                // With PRIO_PROCESS, a thread id names that one thread (setpriority(2), "BUGS": threads have their own nice).
                _ = SetPriority(PrioProcess, GetTid(), Nice);
            }
            else
            {
                Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or ThreadStateException)
        {
            // Not glibc or musl, or a runtime that does not allow it: the work runs at normal priority.
        }
    }

    /// <summary>
    /// CPU time the calling thread has used, on Linux (clock_gettime with CLOCK_THREAD_CPUTIME_ID); null elsewhere or when
    /// unavailable. A lowered thread on a busy machine waits much longer than it runs: what it costs is its CPU time.
    /// </summary>
    public static TimeSpan? ThreadCpuTime()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        try
        {
            return ClockGetTime(ClockThreadCpuTimeId, out var time) == 0 ? TimeSpan.FromTicks(time.Seconds * TimeSpan.TicksPerSecond + time.Nanoseconds / 100) : null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // DllImport rather than LibraryImport: the signatures are blittable, and LibraryImport would need unsafe code
    // enabled for the whole project.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "setpriority")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int GetTid();

    [DllImport("libc", EntryPoint = "clock_gettime")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
#pragma warning restore SYSLIB1054
}
