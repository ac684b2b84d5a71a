using System.Globalization;
using System.Net.WebSockets;
using Tanager.Protocol;
using SdkClient = Tanager.Client.TanagerClient;

namespace Tanager.LoadTest;

/// <summary>
/// After a phase with a stalled subscriber: lets its socket read again until the server's close, then reconnects as
/// that subscriber's user with RESUME from the last change the socket read, and checks that what the socket read plus
/// what came after the reconnect is every message published to its channel in the phase, each exactly once.
/// <para>
/// RESUME is sent on a raw gateway connection, not through Tanager.Client's gateway: the SDK resumes only from cursors
/// it filled itself (its first connect is an IDENTIFY without <c>last_sequences</c>, and it cannot be given a position),
/// so it would start at READY's head and skip exactly the messages under test. What the SDK does after a RESUME whose
/// replay jumps (the server replays at most <c>ReplayLimit</c> changes per channel) is done here the same way: the
/// skipped changes are paged with the SDK's <c>GetChangesAsync</c> ("changes since").
/// </para>
/// </summary>
internal sealed class StalledSubscriberCheck(Uri baseUrl, Uri gatewayUrl)
{
    // How long the stalled socket may go on reading after it reads again before the check closes it itself.
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(10);
    // A replay of ReplayLimit (1000) messages takes well under a second on loopback; a minute means it is stuck.
    private static readonly TimeSpan ReplayTimeout = TimeSpan.FromSeconds(60);
    // The most "changes since" returns per page.
    private const int ChangesPageSize = 100;
    // How many missing or duplicated ranges a failure line lists.
    private const int RangesShown = 5;

    private readonly Uri _baseUrl = baseUrl;
    private readonly Uri _gatewayUrl = gatewayUrl;

    /// <param name="published">Load-test sequences of the acknowledged publishes to the subscriber's channel in the phase.</param>
    /// <param name="fromSequence">The phase's first load-test sequence.</param>
    /// <param name="toSequence">One past the phase's last load-test sequence.</param>
    public async Task<StallCheck> RunAsync(StalledSubscriber stalled, TanagerChannel channel, IReadOnlySet<long> published, long fromSequence, long toSequence, CancellationToken cancellationToken)
    {
        var ended = await EndStalledSocketAsync(stalled, cancellationToken);
        var watch = stalled.Watch;
        bool InPhase(long sequence) => sequence >= fromSequence && sequence < toSequence;
        var beforeStall = watch.BeforeStall.Where(InPhase).ToList();
        var afterStall = watch.AfterStall.Where(InPhase).ToList();
        var rawRead = beforeStall.Count + afterStall.Count;
        var socketPart = string.Create(CultureInfo.InvariantCulture, $"{ended} after it had read {rawRead:N0} of the phase's messages ({afterStall.Count:N0} of them after the stall began: what its socket buffers held when it read again)");

        var cursor = watch.LastChangeSequence;
        Recovered recovered;
        try
        {
            recovered = await ResumeAsync(channel, cursor, cancellationToken);
        }
        catch (Exception ex) when ((ex is System.Net.Sockets.SocketException or InvalidOperationException or HttpRequestException or Tanager.Client.TanagerApiException or OperationCanceledException)
            && !cancellationToken.IsCancellationRequested)
        {
            return new StallCheck(false, $"{socketPart}; FAILED to reconnect with RESUME from channel change {cursor}: {ex.Message}");
        }

        var counts = new Dictionary<long, int>();
        foreach (var sequence in beforeStall.Concat(afterStall).Concat(recovered.Replayed.Where(InPhase)).Concat(recovered.Paged.Where(InPhase)))
        {
            counts[sequence] = counts.GetValueOrDefault(sequence) + 1;
        }
        var missing = published.Where(sequence => !counts.ContainsKey(sequence)).Order().ToList();
        var twice = counts.Where(entry => entry.Value > 1).Select(entry => entry.Key).Order().ToList();
        // A publish that failed on the client (a timeout, say) may still have been stored and so be delivered.
        var unacknowledged = counts.Keys.Count(sequence => !published.Contains(sequence));
        var caughtUp = recovered.Replayed.Count(InPhase) + recovered.Paged.Count(InPhase);
        var resumePart = string.Create(CultureInfo.InvariantCulture, $"reconnected with RESUME from channel change {cursor}, the last it had read (READY's head {recovered.Head})");
        var sources = string.Create(CultureInfo.InvariantCulture, $"{caughtUp:N0} replayed: {recovered.Replayed.Count(InPhase):N0} over the gateway, {recovered.Paged.Count(InPhase):N0} paged over REST");
        var extra = unacknowledged > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {unacknowledged} delivered messages were not acknowledged to the publisher") : "";
        if (missing.Count == 0 && twice.Count == 0)
        {
            return new StallCheck(true, string.Create(CultureInfo.InvariantCulture, $"{socketPart}; {resumePart}; has all {published.Count:N0} of {published.Count:N0} messages published to its channel in the phase, none twice ({sources}){extra}"));
        }
        var problems = new List<string>();
        if (missing.Count > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"missing {missing.Count:N0} (load-test sequences {Ranges(missing)})"));
        }
        if (twice.Count > 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{twice.Count:N0} received more than once (load-test sequences {Ranges(twice)})"));
        }
        return new StallCheck(false, string.Create(CultureInfo.InvariantCulture, $"{socketPart}; {resumePart}; FAILED: has {published.Count - missing.Count:N0} of {published.Count:N0} messages published to its channel in the phase: {string.Join(", ", problems)} ({sources}){extra}"));
    }

    /// <summary>Lets the stalled socket read again and waits for the server to end it; says how it ended.</summary>
    private static async Task<string> EndStalledSocketAsync(StalledSubscriber stalled, CancellationToken cancellationToken)
    {
        var socket = stalled.Socket;
        socket.Unstall();
        var ended = await Task.WhenAny(socket.Receiving, Task.Delay(CloseWait, cancellationToken)) == socket.Receiving;
        if (!ended)
        {
            // Its reads have to stop before what it read can be counted; the server never dropped it. A socket closed by
            // this tool reports no loss by itself, and later phases must not expect deliveries to it.
            await socket.DisposeAsync();
            stalled.Tracker.OnLost();
            return $"not dropped by the server (still open {CloseWait.TotalSeconds:0} s after it read again; closed by this tool)";
        }
        return socket.CloseStatus is { } status
            ? $"closed by the server with {(int)status} \"{socket.CloseStatusDescription}\""
            : "dropped by the server without a close frame reaching it";
    }

    private sealed record Recovered(long Head, List<long> Replayed, List<long> Paged);

    /// <summary>
    /// RESUMEs as the channel's subscriber user from <paramref name="cursor"/> and reads the replay up to READY's head; if
    /// the replay skips changes right after the cursor (more than ReplayLimit were missed), pages them over REST.
    /// </summary>
    private async Task<Recovered> ResumeAsync(TanagerChannel channel, long cursor, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReplayTimeout);
        await using var socket = new RawSocket();
        await socket.ConnectAsync(_gatewayUrl, timeout.Token);
        var resumeFrom = new Dictionary<string, long>(StringComparer.Ordinal) { [channel.Id] = cursor };
        var (interval, ready) = await GatewayHandshake.IdentifyAsync(socket, channel.SubscriberToken, resumeFrom, timeout.Token);
        var head = ready!.Workspaces.SelectMany(workspace => workspace.Channels).FirstOrDefault(c => c.Id == channel.Id)?.LastSequence
            ?? throw new InvalidOperationException("READY after RESUME does not list the subscriber's channel.");

        var replayed = new List<long>();
        long firstReplayedChange = 0;
        var lastChange = cursor;
        if (head > cursor)
        {
            // The replay may take a while for a large backlog; heartbeats keep the server from timing the connection out.
            socket.StartHeartbeat(interval * GatewayHandshake.HeartbeatSafetyFactor, GatewayHandshake.Heartbeat);
            while (lastChange < head)
            {
                var message = await socket.ReceiveAsync(timeout.Token)
                    ?? throw new InvalidOperationException($"The gateway closed the RESUME connection during the replay: {socket.CloseStatus} {socket.CloseStatusDescription}");
                if (MessageFrame.TryRead(message.Span, out var sequence, out var dto) && dto.ChannelId == channel.Id)
                {
                    replayed.Add(sequence);
                    firstReplayedChange = firstReplayedChange == 0 ? dto.ChangeSequence : firstReplayedChange;
                    lastChange = Math.Max(lastChange, dto.ChangeSequence);
                }
            }
        }

        var paged = new List<long>();
        if (firstReplayedChange > cursor + 1)
        {
            await using var sdk = new SdkClient(_baseUrl, channel.SubscriberToken);
            var since = cursor;
            while (since < firstReplayedChange - 1)
            {
                var page = await sdk.GetChangesAsync(channel.WorkspaceId, channel.Id, since, ChangesPageSize, timeout.Token);
                foreach (var message in page.Messages.Where(m => m.ChangeSequence < firstReplayedChange))
                {
                    if (MessageFrame.TryRead(message, out var sequence))
                    {
                        paged.Add(sequence);
                    }
                }
                if (!page.HasMore || page.Messages.Count == 0)
                {
                    break;
                }
                since = page.Messages[^1].ChangeSequence;
            }
        }
        return new Recovered(head, replayed, paged);
    }

    /// <summary>"a–b, c, …": sorted sequences as ranges, the first few of them.</summary>
    private static string Ranges(List<long> sorted)
    {
        var ranges = new List<string>();
        var total = 0;
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1)
            {
                j++;
            }
            total++;
            if (ranges.Count < RangesShown)
            {
                ranges.Add(i == j
                    ? sorted[i].ToString(CultureInfo.InvariantCulture)
                    : string.Create(CultureInfo.InvariantCulture, $"{sorted[i]}–{sorted[j]}"));
            }
            i = j + 1;
        }
        return string.Join(", ", ranges) + (total > RangesShown ? string.Create(CultureInfo.InvariantCulture, $", … {total - RangesShown} more ranges") : "");
    }
}

/// <summary>One Tanager channel of the load test and the subscriber account that follows it.</summary>
internal sealed record TanagerChannel(string WorkspaceId, string Id, string SubscriberToken);
