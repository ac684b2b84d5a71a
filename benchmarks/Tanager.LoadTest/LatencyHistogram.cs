using System.Numerics;

namespace Tanager.LoadTest;

/// <summary>
/// A lock-free log-linear histogram of latencies in microseconds, written concurrently by every receive loop.
/// Each power of two is split into 64 sub-buckets, so a reported percentile is within 1/64 (≈1.6 %) of the true
/// value; the maximum is tracked exactly.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;
    // 2^40 µs is about 12 days: nothing a bounded run can reach. Larger values land in the last bucket.
    private const int MaxExponent = 40;
    private const int BucketCount = SubBuckets + (MaxExponent - SubBucketBits + 1) * SubBuckets;

    private readonly long[] _counts = new long[BucketCount];
    private long _max;

    public void Record(long micros)
    {
        micros = Math.Max(0, micros);
        Interlocked.Increment(ref _counts[IndexOf(micros)]);
        var max = Volatile.Read(ref _max);
        while (micros > max)
        {
            var seen = Interlocked.CompareExchange(ref _max, micros, max);
            if (seen == max)
            {
                break;
            }
            max = seen;
        }
    }

    public long MaxMicros => Volatile.Read(ref _max);

    /// <summary>The smallest bucket bound at or under which <paramref name="quantile"/> of the values fall; 0 when empty.</summary>
    public long PercentileMicros(double quantile)
    {
        long total = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            total += Volatile.Read(ref _counts[i]);
        }
        if (total == 0)
        {
            return 0;
        }
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(UpperBound(i), MaxMicros);
            }
        }
        return MaxMicros;
    }

    private static int IndexOf(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }
        var exponent = 63 - BitOperations.LeadingZeroCount((ulong)value);
        if (exponent > MaxExponent)
        {
            return BucketCount - 1;
        }
        var shift = exponent - SubBucketBits;
        var sub = (int)(value >> shift) - SubBuckets;
        return SubBuckets + (shift * SubBuckets) + sub;
    }

    private static long UpperBound(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }
        var shift = (index - SubBuckets) / SubBuckets;
        var sub = (index - SubBuckets) % SubBuckets;
        return ((long)(SubBuckets + sub + 1) << shift) - 1;
    }
}
