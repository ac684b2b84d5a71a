using System.Text;

namespace Tanager.Internal;

/// <summary>
/// Unicode Normalization Form C (UAX #15) in managed code. <c>string.Normalize</c> does nothing under
/// <c>InvariantGlobalization</c>, which Tanager's server uses and any embedding app may, yet file names must compare
/// equal whatever form a client sends (macOS sends NFD, most others NFC). Tables are generated from the UCD.
/// </summary>
internal static partial class UnicodeNfc
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7, LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Dictionary<int, int[]> Decompositions = LoadDecompositions();
    private static readonly Dictionary<int, int> CombiningClasses = LoadPairs(CombiningClassData);
    private static readonly Dictionary<(int, int), int> Compositions = LoadCompositions();

    public static string Normalize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        // Decompose fully.
        var points = new List<int>(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            var c = rune.Value;
            if (c is >= SBase and < SBase + SCount)
            {
                var s = c - SBase;
                points.Add(LBase + (s / NCount));
                points.Add(VBase + (s % NCount / TCount));
                if (s % TCount != 0)
                {
                    points.Add(TBase + (s % TCount));
                }
            }
            else if (Decompositions.TryGetValue(c, out var parts))
            {
                points.AddRange(parts);
            }
            else
            {
                points.Add(c);
            }
        }
        // Canonical order: marks between starters sorted by combining class, stably.
        for (var i = 1; i < points.Count; i++)
        {
            var cc = Ccc(points[i]);
            if (cc == 0)
            {
                continue;
            }
            for (var j = i; j > 0 && Ccc(points[j - 1]) > cc; j--)
            {
                (points[j - 1], points[j]) = (points[j], points[j - 1]);
            }
        }
        // Compose: each mark joins the last starter unless a mark of the same or a higher class came between.
        var result = new List<int>(points.Count);
        var starter = -1;
        var lastClass = -1;
        foreach (var c in points)
        {
            var cc = Ccc(c);
            if (starter >= 0 && (lastClass < cc || (lastClass == 0 && result.Count - 1 == starter)) && Compose(result[starter], c) is { } composite)
            {
                result[starter] = composite;
                continue;
            }
            if (cc == 0)
            {
                starter = result.Count;
            }
            lastClass = cc;
            result.Add(c);
        }
        var builder = new StringBuilder(result.Count);
        foreach (var c in result)
        {
            builder.Append(char.ConvertFromUtf32(c));
        }
        return builder.ToString();
    }

    private static int Ccc(int c) => CombiningClasses.GetValueOrDefault(c);

    private static int? Compose(int first, int second)
    {
        if (first is >= LBase and < LBase + LCount && second is >= VBase and < VBase + VCount)
        {
            return SBase + ((((first - LBase) * VCount) + second - VBase) * TCount);
        }
        if (first is >= SBase and < SBase + SCount && (first - SBase) % TCount == 0 && second is > TBase and < TBase + TCount)
        {
            return first + second - TBase;
        }
        return Compositions.TryGetValue((first, second), out var composite) ? composite : null;
    }

    private static Dictionary<int, int[]> LoadDecompositions()
    {
        var map = new Dictionary<int, int[]>();
        AddDecompositions(map, DecompositionData);
        AddDecompositions(map, DecompositionDataContinued);
        return map;
    }

    private static void AddDecompositions(Dictionary<int, int[]> map, ReadOnlySpan<int> data)
    {
        for (var i = 0; i < data.Length;)
        {
            var length = data[i + 1];
            map[data[i]] = data[(i + 2)..(i + 2 + length)].ToArray();
            i += 2 + length;
        }
    }

    private static Dictionary<int, int> LoadPairs(ReadOnlySpan<int> data)
    {
        var map = new Dictionary<int, int>(data.Length / 2);
        for (var i = 0; i < data.Length; i += 2)
        {
            map[data[i]] = data[i + 1];
        }
        return map;
    }

    private static Dictionary<(int, int), int> LoadCompositions()
    {
        var map = new Dictionary<(int, int), int>(CompositionData.Length / 3);
        for (var i = 0; i < CompositionData.Length; i += 3)
        {
            map[(CompositionData[i], CompositionData[i + 1])] = CompositionData[i + 2];
        }
        return map;
    }
}
