using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NUlid;

namespace Tanager.Tests.Gateway;

/// <summary>
/// Catch-up reads are shared per channel per node: after a pub/sub outage every connection following a channel needs its
/// changes at once, and they must not each read the store.
/// </summary>
public sealed class SharedCatchUpTests
{
    [Fact]
    public async Task Connections_that_need_the_same_channel_at_once_share_one_store_read_and_each_gets_what_it_needs()
    {
        var (catchUp, counter, workspace, channel) = await CreateAsync(messages: 30);
        // The head reads wait until all 50 have asked: on a loaded machine the loop below can be paused longer than a
        // read takes, and a read that finished early would let a third one start.
        counter.Hold();
        var reads = Enumerable.Range(0, 50).Select(i => catchUp.ReadAsync(workspace, channel, since: i % 20)).ToList();
        counter.Release();
        var results = await Task.WhenAll(reads);

        // The first read begins at once; everyone else joins the one read that follows it.
        Assert.Equal(2, counter.HeadReads);
        for (var i = 0; i < results.Length; i++)
        {
            var (changes, head) = results[i];
            Assert.Equal(30, head);
            // A shared read starts at the lowest position asked for: each caller gets at least what it is missing.
            Assert.Equal(Enumerable.Range(1 + (i % 20), 30 - (i % 20)).Select(s => (long)s), changes.Select(m => m.ChangeSequence).Where(s => s > i % 20));
        }
    }

    [Fact]
    public async Task A_later_need_gets_a_read_of_its_own_since_an_earlier_read_may_have_read_the_head_before_a_newer_change()
    {
        var (catchUp, counter, workspace, channel) = await CreateAsync(messages: 3);
        var first = await catchUp.ReadAsync(workspace, channel, since: 0);
        var second = await catchUp.ReadAsync(workspace, channel, since: 0);
        Assert.Equal(2, counter.HeadReads);
        Assert.Equal(first.Head, second.Head);
    }

    private static async Task<(SharedCatchUp CatchUp, CountingChannels Counter, Ulid Workspace, Ulid Channel)> CreateAsync(int messages)
    {
        var store = new InMemoryStore();
        var now = DateTimeOffset.UtcNow;
        var owner = Ulid.NewUlid();
        var workspace = new Workspace(Ulid.NewUlid(), "w", owner, now, now);
        await store.CreateAsync(workspace, new WorkspaceMember(workspace.Id, owner, WorkspaceRole.Owner, now));
        var channel = new Channel(workspace.Id, Ulid.NewUlid(), "c", ChannelKind.Public, null, 0, now, now);
        await store.TryCreateAsync(channel, new ChannelMember(workspace.Id, channel.Id, owner, now));
        for (var i = 0; i < messages; i++)
        {
            await store.AppendAsync([new NewMessage(workspace.Id, channel.Id, Ulid.NewUlid(), owner, $"m{i}", null, now)]);
        }
        var counter = CountingChannels.Wrap(store);
        var options = Options.Create(new TanagerOptions());
        var pubSub = new InProcessPubSub();
        var presence = new PresenceTracker(pubSub, new FanOut(pubSub), options, TimeProvider.System, NullLogger<PresenceTracker>.Instance);
        var connections = new ConnectionService(store, counter.Store, store, store, new EventDispatcher(pubSub), presence, options);
        return (new SharedCatchUp(connections, CancellationToken.None), counter, workspace.Id, channel.Id);
    }

    /// <summary>
    /// An <see cref="IChannelStore"/> that counts the head reads (<c>GetAsync</c>) each catch-up starts with, and makes
    /// them take a moment, as a real store's round trip does.
    /// </summary>
    public class CountingChannels : DispatchProxy
    {
        private IChannelStore _inner = null!;
        private int _headReads;
        private volatile TaskCompletionSource _gate = Open();

        private static TaskCompletionSource Open()
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            gate.SetResult();
            return gate;
        }

        /// <summary>Head reads wait from now until <see cref="Release"/>.</summary>
        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate.TrySetResult();

        public int HeadReads => Volatile.Read(ref _headReads);
        public IChannelStore Store { get; private set; } = null!;

        public static CountingChannels Wrap(IChannelStore inner)
        {
            var store = Create<IChannelStore, CountingChannels>();
            var proxy = (CountingChannels)(object)store;
            proxy._inner = inner;
            proxy.Store = store;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IChannelStore.GetAsync))
            {
                Interlocked.Increment(ref _headReads);
                return new ValueTask<Channel?>(SlowlyAsync(_gate.Task, () => (ValueTask<Channel?>)targetMethod.Invoke(_inner, args)!));
            }
            return targetMethod.Invoke(_inner, args);
        }
    }

    private static async Task<Channel?> SlowlyAsync(Task gate, Func<ValueTask<Channel?>> read)
    {
        await gate;
        await Task.Delay(50);
        return await read();
    }
}
