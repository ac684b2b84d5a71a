using System.Collections.Concurrent;

namespace Tanager.Tests.Fuzz;

/// <summary>
/// The fuzzed server's log (warnings and above, the test host's level). An error entry, or any entry about an unhandled
/// exception, is a crash the client may not see: a gateway session that threw is closed like any other.
/// </summary>
internal sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();
    private readonly ConcurrentQueue<Entry> _unread = new();

    public sealed record Entry(LogLevel Level, string Category, string Message, Exception? Exception)
    {
        public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : "\n" + Exception)}";
    }

    public IReadOnlyCollection<Entry> Entries => _entries;

    /// <summary>Entries logged since the last call that mean the server failed.</summary>
    public List<Entry> TakeFailures()
    {
        var failures = new List<Entry>();
        while (_unread.TryDequeue(out var entry))
        {
            if (IsFailure(entry))
            {
                failures.Add(entry);
            }
        }
        return failures;
    }

    public static bool IsFailure(Entry entry) =>
        entry.Level >= LogLevel.Error || entry.Message.Contains("unhandled", StringComparison.OrdinalIgnoreCase);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            var entry = new Entry(logLevel, category, formatter(state, exception), exception);
            log._entries.Enqueue(entry);
            log._unread.Enqueue(entry);
        }
    }
}
