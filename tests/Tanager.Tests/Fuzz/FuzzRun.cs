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

    /// <summary>
    /// Lanes that run at once, each its own FsCheck run (seed <see cref="Seed"/> + lane) with its own connections: a case
    /// waits on the server most of its time, so two machines' worth of cores serve four lanes better than one.
    /// </summary>
    public const int Lanes = 4;

    /// <summary>FsCheck's configuration for one lane: throws on the first falsified case (after shrinking), replaying its seed.</summary>
    public static Config Config(int cases, int lane) =>
        FsCheck.Config.QuickThrowOnFailure
            .WithMaxTest(cases)
            .WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(Seed + (ulong)lane), FSharpOption<int>.None)));

    /// <summary>Runs <paramref name="cases"/> cases split over <see cref="Lanes"/> lanes; the property of each lane comes from <paramref name="lane"/>.</summary>
    public static Task RunAsync(int cases, Func<int, Property> lane) =>
        Task.WhenAll(Enumerable.Range(0, Lanes).Select(i => Task.Run(() =>
            Check.One(Config((cases + Lanes - 1) / Lanes, i), lane(i)))));

    public static string Describe(int cases) => $"seed {Seed} (lanes {Seed}–{Seed + Lanes - 1}; replay with TANAGER_FUZZ_SEED={Seed}), {cases} cases";
}
