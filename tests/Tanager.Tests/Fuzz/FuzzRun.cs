using System.Globalization;
using FsCheck;
using Microsoft.FSharp.Core;

namespace Tanager.Tests.Fuzz;

/// <summary>
/// How a fuzz run is seeded and sized. The seed is fixed so that CI runs the same cases every time (a failure is
/// reproducible from the log); <c>TANAGER_FUZZ_SEED</c> replays another run, <c>TANAGER_FUZZ_CASES</c> runs more (or fewer).
/// </summary>
internal static class FuzzRun
{
    public const ulong DefaultSeed = 20261203;

    public static ulong Seed { get; } =
        Environment.GetEnvironmentVariable("TANAGER_FUZZ_SEED") is { Length: > 0 } seed ? ulong.Parse(seed, CultureInfo.InvariantCulture) : DefaultSeed;

    /// <summary>The number of cases a property runs: <paramref name="defaultCount"/> unless <c>TANAGER_FUZZ_CASES</c> says otherwise.</summary>
    public static int Cases(int defaultCount) =>
        Environment.GetEnvironmentVariable("TANAGER_FUZZ_CASES") is { Length: > 0 } cases ? int.Parse(cases, CultureInfo.InvariantCulture) : defaultCount;

    /// <summary>FsCheck's configuration: throws on the first falsified case (after shrinking), replaying <see cref="Seed"/>.</summary>
    public static Config Config(int cases) =>
        FsCheck.Config.QuickThrowOnFailure
            .WithMaxTest(cases)
            .WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(Seed), FSharpOption<int>.None)));

    public static string Describe(int cases) => $"seed {Seed} (replay with TANAGER_FUZZ_SEED={Seed}), {cases} cases";
}
