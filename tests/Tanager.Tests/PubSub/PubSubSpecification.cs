using System.Buffers.Binary;
using System.Collections.Concurrent;
using NUlid;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.PubSub;

/// <summary>
/// What every <see cref="IPubSub"/> must do. Each implementation runs this suite through a subclass that says how to get
/// a node; nodes that one test creates share one broker (a single-node pub/sub hands out the same instance), so a
/// publish on one node reaches subscribers on every node. The tests never look past the interface.
/// </summary>
public abstract class PubSubSpecification : IAsyncLifetime
{
    private readonly List<IPubSub> _nodes = [];

    /// <summary>A node of the pub/sub under test, ready to use.</summary>
    protected abstract Task<IPubSub> CreateNodeAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes.Distinct())
        {
            if (node is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    private async Task<IPubSub> NodeAsync()
    {
        var node = await CreateNodeAsync();
        _nodes.Add(node);
        return node;
    }

    /// <summary>A subject no other test uses (the broker may be shared by the whole run).</summary>
    private static string NewChannelSubject() => Subjects.Channel(Ulid.NewUlid(), Ulid.NewUlid());

    private static byte[] Numbered(int number)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, number);
        return bytes;
    }

    [Fact]
    public async Task Every_header_field_arrives_as_published_so_no_receiver_parses_the_payload_to_route_it()
    {
        var node = await NodeAsync();
        var other = await NodeAsync();
        var (workspace, channel, user, except) = (Ulid.NewUlid(), Ulid.NewUlid(), Ulid.NewUlid(), Ulid.NewUlid());
        var subject = Subjects.Channel(workspace, channel);
        EventHeader? seen = null;
        byte[]? seenPayload = null;
        await using var subscription = await other.SubscribeAsync(subject, (_, header, payload) => (seen, seenPayload) = (header, payload.ToArray()));
        EventHeader[] headers =
        [
            new() { Name = "MESSAGE_CREATE", Scope = EventScope.Channel, WorkspaceId = workspace, ChannelId = channel, Sequence = long.MaxValue, ExceptUserId = except },
            new() { Name = "WORKSPACE_MEMBER_UPDATE", Scope = EventScope.User, UserId = user, WorkspaceId = workspace, Control = SessionControl.WorkspaceRoleChanged, Role = WorkspaceRole.Guest },
            new() { Name = "CHANNEL_UPDATE", Scope = EventScope.Workspace, WorkspaceId = workspace, ChannelId = channel, Roles = RoleSet.Owner | RoleSet.Member },
            new() { Name = "SESSION_REVOKED", Scope = EventScope.User, UserId = user, Control = SessionControl.Revoked, Credentials = [Ulid.NewUlid(), Ulid.NewUlid()] },
            new() { Name = "AN_EVENT_FROM_A_NEWER_NODE", Scope = EventScope.Node },
        ];
        foreach (var header in headers)
        {
            seen = null;
            var payload = "{\"op\":0}"u8.ToArray();
            await node.PublishAsync(subject, header, payload);
            Assert.True(await Eventually.Until(() => Volatile.Read(ref seen) is not null, 20), $"{header.Name} did not arrive");
            Assert.Equal(payload, seenPayload);
            Assert.Equal(
                (header.Name, header.Scope, header.WorkspaceId, header.ChannelId, header.UserId, header.Sequence, header.Roles, header.ExceptUserId, header.Control, header.Role),
                (seen!.Name, seen.Scope, seen.WorkspaceId, seen.ChannelId, seen.UserId, seen.Sequence, seen.Roles, seen.ExceptUserId, seen.Control, seen.Role));
            Assert.Equal(header.Credentials, seen.Credentials);
        }
    }

    [Fact]
    public async Task Payload_bytes_arrive_exactly_as_published()
    {
        var node = await NodeAsync();
        var subject = NewChannelSubject();
        var inbox = new Inbox();
        await using var subscription = await node.SubscribeAsync(subject, inbox.Handler);
        var random = new Random(42);
        byte[][] payloads =
        [
            [],
            [0],
            "{\"op\":0,\"t\":\"MESSAGE_CREATE\",\"d\":{\"content\":\"héllo 👋\"}}"u8.ToArray(),
            "MSG x 1 5\r\nPUB\r\n\r\n"u8.ToArray(),
            [.. Enumerable.Range(0, 256).Select(b => (byte)b)],
            RandomBytes(random, 64 * 1024),
            RandomBytes(random, 512 * 1024),
        ];
        foreach (var payload in payloads)
        {
            await node.PublishAsync(subject, EventHeader.NodeWord, payload);
        }

        var received = await inbox.WaitForAsync(payloads.Length);
        Assert.Equal(payloads.Length, received.Count);
        for (var i = 0; i < payloads.Length; i++)
        {
            Assert.True(payloads[i].AsSpan().SequenceEqual(received[i].Payload), $"payload {i} ({payloads[i].Length} bytes) changed on the way");
            Assert.Equal(subject, received[i].Subject);
        }
    }

    [Fact]
    public async Task Each_of_many_subjects_receives_only_what_was_published_to_it()
    {
        var node = await NodeAsync();
        var workspace = Ulid.NewUlid();
        var subjects = Enumerable.Range(0, 40).Select(_ => Subjects.Channel(workspace, Ulid.NewUlid()))
            .Concat(Enumerable.Range(0, 5).Select(_ => Subjects.Workspace(Ulid.NewUlid())))
            .Concat(Enumerable.Range(0, 5).Select(_ => Subjects.User(Ulid.NewUlid())))
            .Append(Subjects.Workspace(workspace))
            .ToList();
        var inboxes = subjects.ToDictionary(s => s, _ => new Inbox());
        var subscriptions = new List<IAsyncDisposable>();
        foreach (var subject in subjects)
        {
            subscriptions.Add(await node.SubscribeAsync(subject, inboxes[subject].Handler));
        }

        foreach (var subject in subjects)
        {
            await node.PublishAsync(subject, EventHeader.NodeWord, System.Text.Encoding.UTF8.GetBytes(subject));
        }

        foreach (var subject in subjects)
        {
            var received = Assert.Single(await inboxes[subject].WaitForAsync(1));
            Assert.Equal(subject, received.Subject);
            Assert.Equal(subject, System.Text.Encoding.UTF8.GetString(received.Payload));
        }
        // Nothing straggles in later: each subject got exactly its one payload.
        await Task.Delay(200);
        Assert.All(inboxes.Values, inbox => Assert.Equal(1, inbox.Count));
        foreach (var subscription in subscriptions)
        {
            await subscription.DisposeAsync();
        }
    }

    [Fact]
    public async Task Ten_thousand_payloads_from_one_publisher_arrive_in_publish_order()
    {
        const int count = 10_000;
        var subscriber = await NodeAsync();
        var publisher = await NodeAsync();
        var lost = 0;
        subscriber.DeliveriesLost += (_, _) => Interlocked.Increment(ref lost);
        var subject = NewChannelSubject();
        var inbox = new Inbox();
        await using var subscription = await subscriber.SubscribeAsync(subject, inbox.Handler);

        for (var i = 0; i < count; i++)
        {
            await publisher.PublishAsync(subject, EventHeader.NodeWord, Numbered(i));
        }

        var received = await inbox.WaitForAsync(count, seconds: 60);
        Assert.Equal(Enumerable.Range(0, count), received.Select(r => BinaryPrimitives.ReadInt32BigEndian(r.Payload)));
        Assert.Equal(0, lost);
    }

    [Fact]
    public async Task Every_handler_of_a_subject_receives_every_payload_in_order()
    {
        var node = await NodeAsync();
        var other = await NodeAsync();
        var subject = NewChannelSubject();
        var inboxes = Enumerable.Range(0, 3).Select(_ => new Inbox()).ToList();
        var subscriptions = new List<IAsyncDisposable>
        {
            await node.SubscribeAsync(subject, inboxes[0].Handler),
            await node.SubscribeAsync(subject, inboxes[1].Handler),
            await other.SubscribeAsync(subject, inboxes[2].Handler),
        };

        for (var i = 0; i < 100; i++)
        {
            await node.PublishAsync(subject, EventHeader.NodeWord, Numbered(i));
        }

        foreach (var inbox in inboxes)
        {
            Assert.Equal(Enumerable.Range(0, 100), (await inbox.WaitForAsync(100)).Select(r => BinaryPrimitives.ReadInt32BigEndian(r.Payload)));
        }
        foreach (var subscription in subscriptions)
        {
            await subscription.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_disposed_subscription_receives_nothing_more()
    {
        var node = await NodeAsync();
        var publisher = await NodeAsync();
        var subject = NewChannelSubject();
        var leaving = new Inbox();
        var staying = new Inbox();
        var leavingSubscription = await node.SubscribeAsync(subject, leaving.Handler);
        await using var stayingSubscription = await node.SubscribeAsync(subject, staying.Handler);
        await publisher.PublishAsync(subject, EventHeader.NodeWord, Numbered(1));
        await leaving.WaitForAsync(1);

        await leavingSubscription.DisposeAsync();
        await publisher.PublishAsync(subject, EventHeader.NodeWord, Numbered(2));
        await publisher.PublishAsync(subject, EventHeader.NodeWord, Numbered(3));

        // Once the handler that stayed has both, the one that left would have had them too.
        await staying.WaitForAsync(3);
        await Task.Delay(200);
        Assert.Equal([1], leaving.Received.Select(r => BinaryPrimitives.ReadInt32BigEndian(r.Payload)));
    }

    [Fact]
    public async Task Nothing_arrives_for_subjects_that_were_not_subscribed()
    {
        var node = await NodeAsync();
        var workspace = Ulid.NewUlid();
        var subject = Subjects.Workspace(workspace);
        var inbox = new Inbox();
        await using var subscription = await node.SubscribeAsync(subject, inbox.Handler);

        // A channel of the same workspace, another workspace, a user: none is the subscribed subject, however alike.
        await node.PublishAsync(Subjects.Channel(workspace, Ulid.NewUlid()), EventHeader.NodeWord, Numbered(1));
        await node.PublishAsync(Subjects.Workspace(Ulid.NewUlid()), EventHeader.NodeWord, Numbered(2));
        await node.PublishAsync(Subjects.User(workspace), EventHeader.NodeWord, Numbered(3));
        await node.PublishAsync(subject + ".ch", EventHeader.NodeWord, Numbered(4));
        await node.PublishAsync(subject, EventHeader.NodeWord, Numbered(5));

        var received = await inbox.WaitForAsync(1);
        await Task.Delay(200);
        Assert.Equal([5], inbox.Received.Select(r => BinaryPrimitives.ReadInt32BigEndian(r.Payload)));
        Assert.Single(received);
    }

    [Fact]
    public async Task Once_subscribe_returns_a_publish_from_another_node_is_never_missed()
    {
        // The gateway subscribes before it reads state from the store and relies on every later event reaching it.
        var subscriber = await NodeAsync();
        var publisher = await NodeAsync();
        var inboxes = new List<Inbox>();
        var subscriptions = new List<IAsyncDisposable>();
        // Without the guarantee a subscribe races the next publish; 200 rounds lose that race at least once.
        for (var round = 0; round < 200; round++)
        {
            var subject = NewChannelSubject();
            var inbox = new Inbox();
            subscriptions.Add(await subscriber.SubscribeAsync(subject, inbox.Handler));
            await publisher.PublishAsync(subject, EventHeader.NodeWord, Numbered(round));
            inboxes.Add(inbox);
        }

        for (var round = 0; round < 200; round++)
        {
            var received = Assert.Single(await inboxes[round].WaitForAsync(1, seconds: round == 0 ? 20 : 2));
            Assert.Equal(round, BinaryPrimitives.ReadInt32BigEndian(received.Payload));
        }
        foreach (var subscription in subscriptions)
        {
            await subscription.DisposeAsync();
        }
    }

    [Fact]
    public async Task Disposing_a_subscription_twice_or_from_its_own_handler_is_harmless()
    {
        var node = await NodeAsync();
        var subject = NewChannelSubject();
        var calls = 0;
        var disposedFromHandler = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IAsyncDisposable? subscription = null;
        subscription = await node.SubscribeAsync(subject, (_, _, _) =>
        {
            Interlocked.Increment(ref calls);
            // A handler must not block: it starts the disposal and returns.
            var disposal = subscription!.DisposeAsync().AsTask();
            _ = disposal.ContinueWith(t => disposedFromHandler.TrySetResult(), TaskScheduler.Default);
        });

        await node.PublishAsync(subject, EventHeader.NodeWord, Numbered(1));
        await disposedFromHandler.Task.Within();
        await subscription.DisposeAsync();
        await subscription.DisposeAsync();
        await node.PublishAsync(subject, EventHeader.NodeWord, Numbered(2));
        await Task.Delay(200);
        Assert.Equal(1, calls);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Collects what a handler receives, copying each payload (a handler must not keep the memory it is lent).</summary>
    protected sealed class Inbox
    {
        private readonly ConcurrentQueue<(string Subject, byte[] Payload)> _received = new();

        public PubSubHandler Handler => (subject, _, payload) => _received.Enqueue((subject, payload.ToArray()));

        public int Count => _received.Count;

        public IReadOnlyList<(string Subject, byte[] Payload)> Received => [.. _received];

        public async Task<IReadOnlyList<(string Subject, byte[] Payload)>> WaitForAsync(int count, int seconds = 20)
        {
            if (!await Eventually.Until(() => _received.Count >= count, seconds))
            {
                throw new TimeoutException($"Expected {count} payloads within {seconds} s; got {_received.Count}.");
            }
            return Received;
        }
    }
}
