using System.Collections.Concurrent;
using NUlid;

namespace Tanager;

/// <summary>
/// Catch-up reads from the store, once per channel per node: connections that need a channel's changes while a read of it
/// waits for a store slot join that read instead of queueing their own (after a pub/sub outage every connection following
/// a channel needs it at once). A read that has started is not joined: it may have read the channel's head before the
/// newcomer's missing change was committed.
/// </summary>
internal sealed class SharedCatchUp(ConnectionService connections, CancellationToken stopping)
{
    private readonly ConcurrentDictionary<Ulid, Read> _waiting = new();

    /// <summary>Changes after <paramref name="since"/> (the read may start lower: callers skip what they have) and the head.</summary>
    public Task<(IReadOnlyList<Message> Changes, long Head)> ReadAsync(Ulid workspaceId, Ulid channelId, long since)
    {
        while (true)
        {
            var read = _waiting.GetOrAdd(channelId, static (_, state) => new Read(state.workspaceId, state.channelId, state.since), (workspaceId, channelId, since));
            if (read.TryJoin(since))
            {
                if (read.TryClaimStart())
                {
                    _ = RunAsync(read);
                }
                return read.Result.Task;
            }
            // It started meanwhile: make room for a new one.
            _waiting.TryRemove(new KeyValuePair<Ulid, Read>(channelId, read));
        }
    }

    private async Task RunAsync(Read read)
    {
        try
        {
            await Task.Yield();
            var result = await connections.ReadChangesAsync(read.WorkspaceId, read.ChannelId, read.Begin, stopping);
            read.Result.TrySetResult(result);
        }
        catch (Exception exception)
        {
            read.Result.TrySetException(exception);
        }
        finally
        {
            _waiting.TryRemove(new KeyValuePair<Ulid, Read>(read.ChannelId, read));
        }
    }

    /// <summary>One read being gathered: joinable until the store read begins (<see cref="Begin"/>).</summary>
    internal sealed class Read(Ulid workspaceId, Ulid channelId, long since)
    {
        private readonly Lock _lock = new();
        private long _since = since;
        private bool _began;
        private bool _claimed;

        public Ulid WorkspaceId { get; } = workspaceId;
        public Ulid ChannelId { get; } = channelId;
        public TaskCompletionSource<(IReadOnlyList<Message>, long)> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryJoin(long since)
        {
            lock (_lock)
            {
                if (_began)
                {
                    return false;
                }
                _since = Math.Min(_since, since);
                return true;
            }
        }

        public bool TryClaimStart()
        {
            lock (_lock)
            {
                var first = !_claimed;
                _claimed = true;
                return first;
            }
        }

        /// <summary>Closes the read to newcomers and says where it starts: called once a store slot is held.</summary>
        public long Begin()
        {
            lock (_lock)
            {
                _began = true;
                return _since;
            }
        }
    }
}
