using System.Diagnostics;
using System.Text;
using System.Threading.RateLimiting;
using Geralt;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// Argon2id password hashes in the PHC string format, with the cost from <see cref="TanagerOptions"/>. Every hash and
/// check runs under a concurrency limit (<see cref="TanagerOptions.PasswordHashConcurrency"/> at once, a short queue
/// behind them), so that a flood of logins costs a bounded number of cores and memory, and what does not fit is refused
/// at once with 503 instead of piling up.
/// </summary>
public sealed class PasswordHasher : IDisposable
{
    /// <summary>What a refused caller is told to wait: a hash takes tens of milliseconds, so a second frees room for tens of checks.</summary>
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A flood is refused thousands of times a second; one warning per interval (with the count) says so without making
    /// the log the flood's next victim.
    /// </summary>
    private static readonly long BusyLogInterval = TimeSpan.FromSeconds(10).Ticks;

    private long _refusedSinceLog;
    private long _lastBusyLog = -BusyLogInterval; // so that the first refusal is logged

    private readonly TanagerOptions _options;
    private readonly ConcurrencyLimiter _limiter;
    private readonly Lock _budgetLock = new();
    // The time budget as a generic cell rate algorithm: the Stopwatch timestamp at which the hashing done so far is paid
    // for at PasswordHashTimeBudget. A check may start once it is at most PasswordHashBurst ahead of now.
    private long _budgetPaidUntil;
    private readonly ILogger _logger;

    // A fixed hash verified when the email is unknown, so that login takes as long for unknown and known accounts.
    private readonly Lazy<string> _decoy;

    public PasswordHasher(IOptions<TanagerOptions> options, ILogger<PasswordHasher>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = _options.PasswordHashConcurrency,
            QueueLimit = _options.PasswordHashQueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _decoy = new(() => Hash("decoy-password"));
    }

    public Task<string> HashAsync(string password, CancellationToken cancellationToken = default) =>
        RunLimitedAsync(() => Hash(password), cancellationToken);

    /// <summary>Whether <paramref name="password"/> matches; a null or empty hash (no password) checks against a decoy (same cost) and is false.</summary>
    public Task<bool> VerifyAsync(string? encodedHash, string password, CancellationToken cancellationToken = default) =>
        RunLimitedAsync(() => MatchesOrDecoy(encodedHash, password), cancellationToken);

    /// <summary>
    /// Takes a hashing slot first, then finds what to check against (<paramref name="find"/>, for example the account by
    /// email) and checks <paramref name="password"/> against <paramref name="hashOf"/> of it, or against the decoy when
    /// there is nothing or it has no hash. A check refused for want of a slot (503) has cost no lookup: during a login
    /// flood that is most attempts, and on PostgreSQL each lookup is a round trip.
    /// </summary>
    internal async Task<(T? Found, bool Matches)> FindAndVerifyAsync<T>(Func<CancellationToken, ValueTask<T?>> find, Func<T, string?> hashOf, string password, CancellationToken cancellationToken)
        where T : class
    {
        using var lease = await AcquireAsync(cancellationToken);
        var found = await find(cancellationToken);
        var encodedHash = found is null ? null : hashOf(found);
        return (found, await RunChargedAsync(() => MatchesOrDecoy(encodedHash, password), cancellationToken));
    }

    /// <summary>Checks against <paramref name="encodedHash"/>, or against the decoy (same cost, never a match) when there is none (null or empty).</summary>
    private bool MatchesOrDecoy(string? encodedHash, string password)
    {
        if (string.IsNullOrEmpty(encodedHash))
        {
            _ = Verify(_decoy.Value, password);
            return false;
        }
        return Verify(encodedHash, password);
    }

    /// <summary>
    /// libsodium's Argon2id (through Geralt): the PHC string <c>$argon2id$v=19$m=…,t=…,p=1$salt$hash</c> with a 16-byte
    /// salt and a 32-byte hash, the format the managed implementation used before, so stored hashes keep verifying. Native
    /// code checks a password about five times faster here (29 ms against 162 ms at 19 MiB, 2 passes) and its 19 MiB never
    /// touch the managed heap, so a burst of logins makes no large-object garbage.
    /// </summary>
    private string Hash(string password)
    {
        var encoded = new char[Argon2id.HashSize];
        Argon2id.ComputeHash(encoded, Encoding.UTF8.GetBytes(password), _options.PasswordIterations, _options.PasswordMemoryKiB * 1024);
        return new string(encoded).TrimEnd('\0');
    }

    /// <summary>A stored value that is no Argon2id string (a corrupt row) matches nothing rather than failing the login with a 500.</summary>
    private static bool Verify(string encodedHash, string password)
    {
        try
        {
            return Argon2id.VerifyHash(encodedHash, Encoding.UTF8.GetBytes(password));
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return false;
        }
    }

    private async Task<T> RunLimitedAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        using var lease = await AcquireAsync(cancellationToken);
        return await RunChargedAsync(work, cancellationToken);
    }

    /// <summary>A hashing slot, or (after the refusal delay) 503 server_busy with Retry-After when the slot and its queue are full.</summary>
    private async Task<RateLimitLease> AcquireAsync(CancellationToken cancellationToken)
    {
        var lease = await _limiter.AcquireAsync(1, cancellationToken);
        if (lease.IsAcquired)
        {
            return lease;
        }
        lease.Dispose();
        var refused = Interlocked.Increment(ref _refusedSinceLog);
        var now = Environment.TickCount64 * TimeSpan.TicksPerMillisecond;
        var last = Interlocked.Read(ref _lastBusyLog);
        if (now - last >= BusyLogInterval && Interlocked.CompareExchange(ref _lastBusyLog, now, last) == last)
        {
            Interlocked.Add(ref _refusedSinceLog, -refused);
            Log.PasswordHashingBusy(_logger, refused, _options.PasswordHashConcurrency, _options.PasswordHashQueueLimit);
        }
        // Answered after RateLimits:SignInRefusalDelay, as a throttled sign-in is: a client that retries at once, as a
        // flood's clients do, gets one attempt per delay and connection, and the wait costs a timer, not a core.
        if (_options.RateLimits is { Enabled: true, SignInRefusalDelay: var delay } && delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, cancellationToken);
        }
        throw TanagerException.Unavailable(ErrorCodes.ServerBusy, "The server is checking too many passwords at once: try again in a moment.", RetryAfter);
    }

    /// <summary>Within a slot: waits for the time budget, runs the work on a thread of its own and charges what it used.</summary>
    private async Task<T> RunChargedAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await WaitForBudgetAsync(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var (result, cost) = await RunOnOwnThreadAsync(work, cancellationToken);
        Charge(started, cost);
        return result;
    }

    /// <summary>Waits, holding the slot, until the hashing done so far is paid for (within the burst): the checks behind it queue, then get 503.</summary>
    private async ValueTask WaitForBudgetAsync(CancellationToken cancellationToken)
    {
        if (_options.PasswordHashTimeBudget <= 0)
        {
            return;
        }
        long early;
        lock (_budgetLock)
        {
            early = _budgetPaidUntil - (long)(_options.PasswordHashBurst.TotalSeconds * Stopwatch.Frequency) - Stopwatch.GetTimestamp();
        }
        if (early > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)early / Stopwatch.Frequency), cancellationToken);
        }
    }

    /// <summary>Charges a check's CPU time, not its wall time: at nice 19 on a busy machine a 30 ms check can take 300 ms.</summary>
    private void Charge(long started, TimeSpan used)
    {
        if (_options.PasswordHashTimeBudget <= 0)
        {
            return;
        }
        var cost = (long)(used.TotalSeconds / _options.PasswordHashTimeBudget * Stopwatch.Frequency);
        lock (_budgetLock)
        {
            _budgetPaidUntil = Math.Max(_budgetPaidUntil, started) + cost;
        }
    }

    /// <summary>Runs the work on a thread of its own and returns what it used: the thread's CPU time where the OS tells it, else the wall time.</summary>
    private static Task<(T Result, TimeSpan Used)> RunOnOwnThreadAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        // Argon2 is CPU-bound by design: each hash gets a thread of its own (LongRunning), not a thread-pool worker. With
        // as many hashes as cores running on pool threads, the pool's minimum (one thread per core) is used up and every
        // other request waits for the pool to grow: during a 100-client login flood on 2 cores, /health's 95th
        // percentile was ~0.9 s that way and ~0.1 s this way.
        // That thread also runs at a lower priority (BackgroundThreadPriority): under contention the kernel runs message
        // delivery first, and a login flood slows logins rather than every connected client (benchmarks/README.md,
        // "Login flood"). On an idle server a hash still gets a whole core.
        return Task.Factory.StartNew(() =>
        {
            BackgroundThreadPriority.Lower();
            var cpu = BackgroundThreadPriority.ThreadCpuTime();
            var wall = Stopwatch.GetTimestamp();
            var result = work();
            var used = BackgroundThreadPriority.ThreadCpuTime() - cpu ?? Stopwatch.GetElapsedTime(wall);
            return (result, used);
        }, cancellationToken, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);
    }

    public void Dispose() => _limiter.Dispose();
}
