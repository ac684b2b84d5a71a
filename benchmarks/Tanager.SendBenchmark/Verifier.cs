using Tanager.Client;

namespace Tanager.SendBenchmark;

/// <summary>The outcome of reading every channel back.</summary>
internal sealed record Verification(
    long StoredTotal,
    long ChannelsChecked,
    long ChannelsWithGaps,
    long Duplicates,
    long AcksMissing,
    long AcksMismatched,
    long ChannelsCountMismatch,
    IReadOnlyList<string> Problems)
{
    public bool Passed(long acknowledged, long unknownOutcome) =>
        ChannelsWithGaps == 0 && Duplicates == 0 && AcksMissing == 0 && AcksMismatched == 0
        && StoredTotal >= acknowledged && StoredTotal <= acknowledged + unknownOutcome
        && (unknownOutcome > 0 || ChannelsCountMismatch == 0);
}

/// <summary>
/// For every channel: <c>GET …/channels/{ch}</c> for <c>last_sequence</c>, then <c>GET …/messages?after=N&amp;limit=100</c>
/// pages until the end, checking that the sequences are exactly 1..last_sequence (no gap, no duplicate, no id twice),
/// that every acknowledged send is stored at the sequence its 201 carried with the id its 201 carried, and that the
/// channel holds exactly as many messages as it got 201s.
/// </summary>
internal static class Verifier
{
    private const int PageSize = 100;
    private const int Parallelism = 8;
    private const int MaxProblems = 10;

    public static async Task<Verification> RunAsync(TanagerClient client, string workspaceId, IReadOnlyList<string> channelIds, IReadOnlyList<Ack> acks, CancellationToken cancellationToken)
    {
        var acksByChannel = acks.GroupBy(a => a.Channel).ToDictionary(g => g.Key, g => g.ToList());
        long storedTotal = 0, gaps = 0, duplicates = 0, missing = 0, mismatched = 0, countMismatch = 0, checkedChannels = 0;
        var problems = new List<string>();
        void Problem(string text)
        {
            lock (problems)
            {
                if (problems.Count < MaxProblems)
                {
                    problems.Add(text);
                }
            }
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, channelIds.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (channel, ct) =>
        {
            var channelId = channelIds[channel];
            var last = (await client.GetChannelAsync(workspaceId, channelId, ct)).LastSequence;
            // sequence → id, as stored.
            var stored = new Dictionary<long, string>((int)Math.Min(last, int.MaxValue));
            var ids = new HashSet<string>(StringComparer.Ordinal);
            long after = 0;
            long expected = 1;
            var channelGap = false;
            long channelDuplicates = 0;
            // Bounded: one page per 100 messages up to last_sequence, plus slack for anything stored beyond it.
            var maxPages = last / PageSize + 3;
            for (var page = 0L; page < maxPages; page++)
            {
                var slice = await client.GetMessagesAsync(workspaceId, channelId, after: after, limit: PageSize, cancellationToken: ct);
                foreach (var message in slice.Messages)
                {
                    if (!stored.TryAdd(message.Sequence, message.Id) || !ids.Add(message.Id))
                    {
                        channelDuplicates++;
                        Problem($"channel {channel}: sequence {message.Sequence} or id {message.Id} seen twice");
                    }
                    if (message.Sequence != expected && !channelGap)
                    {
                        channelGap = true;
                        Problem($"channel {channel}: expected sequence {expected}, found {message.Sequence}");
                    }
                    expected = message.Sequence + 1;
                    after = Math.Max(after, message.Sequence);
                }
                if (!slice.HasMore || slice.Messages.Count == 0)
                {
                    break;
                }
            }
            if (expected - 1 != last && !channelGap)
            {
                channelGap = true;
                Problem($"channel {channel}: last_sequence is {last} but messages end at {expected - 1}");
            }
            if (stored.Count != last)
            {
                channelGap = true;
                Problem($"channel {channel}: last_sequence is {last} but {stored.Count} messages are stored");
            }
            long channelMissing = 0, channelMismatched = 0;
            var channelAcks = acksByChannel.TryGetValue(channel, out var list) ? list : [];
            foreach (var ack in channelAcks)
            {
                if (!stored.TryGetValue(ack.Sequence, out var id))
                {
                    channelMissing++;
                    Problem($"channel {channel}: acknowledged sequence {ack.Sequence} ({ack.Id}) is not stored");
                }
                else if (id != ack.Id)
                {
                    channelMismatched++;
                    Problem($"channel {channel}: sequence {ack.Sequence} was acknowledged as {ack.Id} but holds {id}");
                }
            }
            if (channelAcks.Count != stored.Count)
            {
                Interlocked.Increment(ref countMismatch);
            }
            Interlocked.Add(ref storedTotal, stored.Count);
            Interlocked.Add(ref duplicates, channelDuplicates);
            Interlocked.Add(ref missing, channelMissing);
            Interlocked.Add(ref mismatched, channelMismatched);
            Interlocked.Increment(ref checkedChannels);
            if (channelGap)
            {
                Interlocked.Increment(ref gaps);
            }
        });
        return new Verification(storedTotal, checkedChannels, gaps, duplicates, missing, mismatched, countMismatch, problems);
    }
}
