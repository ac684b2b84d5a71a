namespace Tanager.SendBenchmark;

/// <summary>What one run does, as read from the command line.</summary>
internal sealed record SendBenchmarkOptions
{
    /// <summary>A server that is already running; null when the tool starts one from <see cref="TanagerDll"/>.</summary>
    public Uri? ServerUrl { get; init; }
    public string? TanagerDll { get; init; }
    /// <summary>Passed to <c>dotnet tanager.dll serve --listen …</c> after the listen option, in order.</summary>
    public IReadOnlyList<string> TanagerArgs { get; init; } = [];
    public int Senders { get; init; } = 200;
    public int Channels { get; init; } = 100;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);
    public int ContentBytes { get; init; } = 200;
    /// <summary>A hard cap on the sends of the whole run (warm-up included), on top of the time limit.</summary>
    public long MaxSends { get; init; } = 5_000_000;
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Processes (by /proc comm, e.g. postgres) whose CPU time is also reported per send.</summary>
    public IReadOnlyList<string> WatchProcesses { get; init; } = [];
    /// <summary>When the tool started the server: kill it with SIGKILL after the run, start it again, and verify from the restarted server.</summary>
    public bool VerifyAfterKill { get; init; }
    /// <summary>Before the sends, run the same loops against <c>GET /health</c> for the same time: the HTTP-only ceiling.</summary>
    public bool HealthBaseline { get; init; }
    /// <summary>When the tool starts the server: append the server's output here (otherwise only its last lines are kept, for a failed start).</summary>
    public string? ServerLog { get; init; }
}
