using System.Diagnostics;
using NUlid;
using Tanager.Internal;

namespace Tanager;

/// <summary>
/// Catch-up reads from the store, shared per channel per node. After a pub/sub outage every connection following a
/// channel needs its changes at once: at most one read of a channel runs at a time, and everyone who asks meanwhile joins
/// the one read that follows it. A read that has begun is not joined: it may have read the channel's head before the
/// newcomer's missing change was committed.
/// </summary>
internal sealed class SharedCatchUp(ConnectionService connections, CancellationToken stopping)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<Ulid, ChannelReads> _channels = [];

    /// <summary>Changes after <paramref name="since"/> (the read may start lower: callers skip what they have) and the head.</summary>
    public Task<(IReadOnlyList<Message> Changes, long Head)> ReadAsync(Ulid workspaceId, Ulid channelId, long since)
    {
        Read read;
        Task? previous;
        lock (_lock)
        {
            if (!_channels.TryGetValue(channelId, out var reads))
            {
                reads = new ChannelReads();
                _channels.Add(channelId, reads);
            }
            if (reads.Next is { } next)
            {
                next.Since = Math.Min(next.Since, since);
                return next.Result.Task;
            }
            read = new Read(workspaceId, channelId, since);
            reads.Next = read;
            previous = reads.Running?.Result.Task;
        }
        _ = RunAsync(read, previous);
        return read.Result.Task;
    }

    private async Task RunAsync(Read read, Task? previous)
    {
        try
        {
            if (previous is not null)
            {
                await ((Task)previous).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            var started = Stopwatch.GetTimestamp();
            var result = await connections.ReadChangesAsync(read.WorkspaceId, read.ChannelId, () => Begin(read), stopping);
            TanagerMetrics.CatchUpDuration.Record(TanagerMetrics.Seconds(started));
            TanagerMetrics.CatchUps.Add(1);
            TanagerMetrics.CatchUpChanges.Add(result.Changes.Count);
            read.Result.TrySetResult(result);
        }
        catch (Exception exception)
        {
            read.Result.TrySetException(exception);
        }
        finally
        {
            lock (_lock)
            {
                if (_channels.TryGetValue(read.ChannelId, out var reads))
                {
                    if (ReferenceEquals(reads.Running, read))
                    {
                        reads.Running = null;
                    }
                    if (ReferenceEquals(reads.Next, read))
                    {
                        reads.Next = null;
                    }
                    if (reads.Running is null && reads.Next is null)
                    {
                        _channels.Remove(read.ChannelId);
                    }
                }
            }
        }
    }

    /// <summary>Called once a store slot is held: closes the read to newcomers and says where it starts.</summary>
    private long Begin(Read read)
    {
        lock (_lock)
        {
            var reads = _channels[read.ChannelId];
            reads.Next = ReferenceEquals(reads.Next, read) ? null : reads.Next;
            reads.Running = read;
            return read.Since;
        }
    }

    private sealed class ChannelReads
    {
        /// <summary>The read under way, if any.</summary>
        public Read? Running { get; set; }
        /// <summary>The read that newcomers join; it begins when the running one is done.</summary>
        public Read? Next { get; set; }
    }

    private sealed class Read(Ulid workspaceId, Ulid channelId, long since)
    {
        public Ulid WorkspaceId { get; } = workspaceId;
        public Ulid ChannelId { get; } = channelId;
        /// <summary>The lowest position asked for; guarded by the catch-up's lock.</summary>
        public long Since { get; set; } = since;
        public TaskCompletionSource<(IReadOnlyList<Message>, long)> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
