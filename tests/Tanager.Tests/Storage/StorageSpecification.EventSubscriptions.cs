using NUlid;

namespace Tanager.Tests.Storage;

public abstract partial class StorageSpecification
{
    [Fact]
    public async Task Event_subscriptions_read_back_per_workspace_and_deleting_one_drops_its_deliveries()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var (elsewhere, _) = await NewWorkspaceAsync();
        var channel = await NewChannelAsync(workspace, owner);
        var first = new EventSubscription(Ulid.NewUlid(At(1)), workspace.Id, owner.Id, "https://hooks.example.test/a", ["MESSAGE_CREATE", "REACTION_ADD"], [channel.Id],
            [1, 2, 3], owner.Id, At(1));
        var second = first with { Id = Ulid.NewUlid(At(2)), Url = "https://hooks.example.test/b", Events = ["MESSAGE_MENTION"], ChannelIds = [], Secret = [4], CreatedAt = At(2) };
        var foreign = first with { Id = Ulid.NewUlid(At(3)), WorkspaceId = elsewhere.Id, ChannelIds = [] };
        foreach (var subscription in new[] { second, first, foreign })
        {
            await _store.EventSubscriptions.CreateEventSubscriptionAsync(subscription);
        }

        AssertSameSubscription(first, await _store.EventSubscriptions.GetEventSubscriptionAsync(workspace.Id, first.Id));
        Assert.Null(await _store.EventSubscriptions.GetEventSubscriptionAsync(elsewhere.Id, first.Id));
        var listed = await _store.EventSubscriptions.ListEventSubscriptionsAsync(workspace.Id);
        Assert.Equal([first.Id, second.Id], listed.Select(s => s.Id));
        AssertSameSubscription(second, listed[1]);

        await _store.EventSubscriptions.EnqueueDeliveriesAsync([Delivery(first, channel.Id, 1, 10), Delivery(second, channel.Id, 1, 11)]);
        Assert.True(await _store.EventSubscriptions.DeleteEventSubscriptionAsync(workspace.Id, first.Id));
        Assert.False(await _store.EventSubscriptions.DeleteEventSubscriptionAsync(workspace.Id, first.Id));
        Assert.False(await _store.EventSubscriptions.DeleteEventSubscriptionAsync(workspace.Id, foreign.Id));
        Assert.Equal([second.Id], (await _store.EventSubscriptions.ListEventSubscriptionsAsync(workspace.Id)).Select(s => s.Id));
        Assert.Equal([second.Id], (await _store.EventSubscriptions.ListDueDeliveriesAsync(At(100), 100)).Where(d => d.WorkspaceId == workspace.Id).Select(d => d.SubscriptionId));
    }

    [Fact]
    public async Task Only_the_first_live_delivery_of_a_subscription_and_channel_is_due_and_one_claim_wins()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var a = await NewChannelAsync(workspace, owner, "alpha");
        var b = await NewChannelAsync(workspace, owner, "beta");
        var one = new EventSubscription(Ulid.NewUlid(At(1)), workspace.Id, owner.Id, "https://hooks.example.test/1", ["MESSAGE_CREATE"], [], [7], owner.Id, At(1));
        var two = one with { Id = Ulid.NewUlid(At(2)), Url = "https://hooks.example.test/2" };
        await _store.EventSubscriptions.CreateEventSubscriptionAsync(one);
        await _store.EventSubscriptions.CreateEventSubscriptionAsync(two);
        // Queued out of sequence order on purpose: the channel's sequence decides, not the id.
        var a2 = Delivery(one, a.Id, 2, 10);
        var a1 = Delivery(one, a.Id, 1, 11);
        var a3 = Delivery(one, a.Id, 3, 12);
        var b1 = Delivery(one, b.Id, 1, 13);
        var twoA1 = Delivery(two, a.Id, 1, 14);
        var member1 = Delivery(one, Ulid.Empty, 0, 15);
        var member2 = Delivery(one, Ulid.Empty, 0, 16);
        await _store.EventSubscriptions.EnqueueDeliveriesAsync([a2, a1, a3, b1, twoA1, member1, member2]);

        async Task<List<Ulid>> DueAsync(int at) => [.. (await _store.EventSubscriptions.ListDueDeliveriesAsync(At(at), 100)).Where(d => d.WorkspaceId == workspace.Id).Select(d => d.Id)];

        Assert.Equal([a1.Id, b1.Id, twoA1.Id, member1.Id], await DueAsync(20));
        var due = (await _store.EventSubscriptions.ListDueDeliveriesAsync(At(20), 100)).Single(d => d.Id == a1.Id);
        Assert.Equal(a1 with { Body = due.Body }, due);
        Assert.Equal(a1.Body, due.Body);
        // Not due before its time.
        Assert.Empty(await DueAsync(5));

        // One claim wins; the leased delivery and everything behind it wait until the lease ends.
        Assert.True(await _store.EventSubscriptions.TryClaimDeliveryAsync(workspace.Id, a1.Id, 0, At(20), At(30)));
        Assert.False(await _store.EventSubscriptions.TryClaimDeliveryAsync(workspace.Id, a1.Id, 0, At(20), At(30)));
        Assert.False(await _store.EventSubscriptions.TryClaimDeliveryAsync(workspace.Id, a1.Id, 1, At(21), At(31)));
        Assert.Equal([b1.Id, twoA1.Id, member1.Id], await DueAsync(21));
        // A lease that ended (its node died) may be claimed again, once, counting the attempt.
        Assert.Contains(a1.Id, await DueAsync(30));
        Assert.True(await _store.EventSubscriptions.TryClaimDeliveryAsync(workspace.Id, a1.Id, 1, At(30), At(40)));
        Assert.False(await _store.EventSubscriptions.TryClaimDeliveryAsync(workspace.Id, a1.Id, 1, At(30), At(40)));

        // A retry releases the lease and holds the channel back until it is due.
        await _store.EventSubscriptions.RetryDeliveryAsync(workspace.Id, a1.Id, At(50), "HTTP 503");
        Assert.DoesNotContain(a1.Id, await DueAsync(45));
        Assert.DoesNotContain(a2.Id, await DueAsync(45));
        var retried = (await _store.EventSubscriptions.ListDueDeliveriesAsync(At(50), 100)).Single(d => d.Id == a1.Id);
        Assert.Equal((2, "HTTP 503", (DateTimeOffset?)null), (retried.Attempts, retried.LastError, retried.LeaseUntil));

        // A dead letter no longer holds the channel back; a completed delivery is gone.
        Assert.True(await _store.EventSubscriptions.TryClaimDeliveryAsync(workspace.Id, a1.Id, 2, At(50), At(60)));
        await _store.EventSubscriptions.DeadLetterDeliveryAsync(workspace.Id, a1.Id, At(51), "HTTP 500");
        Assert.Equal([a2.Id, b1.Id, twoA1.Id, member1.Id], await DueAsync(52));
        await _store.EventSubscriptions.CompleteDeliveryAsync(workspace.Id, a2.Id);
        await _store.EventSubscriptions.CompleteDeliveryAsync(workspace.Id, member1.Id);
        Assert.Equal([a3.Id, b1.Id, twoA1.Id, member2.Id], await DueAsync(52));

        var dead = Assert.Single(await _store.EventSubscriptions.ListDeadLettersAsync(workspace.Id, one.Id, null, 10));
        Assert.Equal((a1.Id, 3, "HTTP 500", (DateTimeOffset?)At(51)), (dead.Id, dead.Attempts, dead.LastError, dead.DeadAt));
        Assert.Empty(await _store.EventSubscriptions.ListDeadLettersAsync(workspace.Id, one.Id, a1.Id, 10));
        Assert.Empty(await _store.EventSubscriptions.ListDeadLettersAsync(workspace.Id, two.Id, null, 10));

        // A replay queues it again, fresh, and as the channel's oldest it goes first again.
        Assert.Equal(0, await _store.EventSubscriptions.ReplayDeadLettersAsync(workspace.Id, one.Id, [a3.Id], At(60)));
        Assert.Equal(1, await _store.EventSubscriptions.ReplayDeadLettersAsync(workspace.Id, one.Id, null, At(60)));
        Assert.Empty(await _store.EventSubscriptions.ListDeadLettersAsync(workspace.Id, one.Id, null, 10));
        Assert.Equal([a1.Id, b1.Id, twoA1.Id, member2.Id], await DueAsync(60));
        var replayed = (await _store.EventSubscriptions.ListDueDeliveriesAsync(At(60), 100)).Single(d => d.Id == a1.Id);
        Assert.Equal((0, (DateTimeOffset?)null), (replayed.Attempts, replayed.DeadAt));
        Assert.True(await _store.EventSubscriptions.TryClaimDeliveryAsync(workspace.Id, a1.Id, 0, At(60), At(70)));
    }

    [Fact]
    public async Task A_message_cursor_moves_only_from_the_value_read_and_queues_with_it_or_not_at_all()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var a = await NewChannelAsync(workspace, owner, "alpha");
        var b = await NewChannelAsync(workspace, owner, "beta");
        var one = new EventSubscription(Ulid.NewUlid(At(1)), workspace.Id, owner.Id, "https://hooks.example.test/1", ["MESSAGE_CREATE"], [], [7], owner.Id, At(1));
        var gone = one with { Id = Ulid.NewUlid(At(2)) };
        await _store.EventSubscriptions.CreateEventSubscriptionAsync(one);
        var store = _store.EventSubscriptions;
        async Task<List<Ulid>> QueuedAsync() => [.. (await store.ListDueDeliveriesAsync(At(100), 100)).Where(d => d.WorkspaceId == workspace.Id).Select(d => d.Id)];

        Assert.Null(await store.GetMessageCursorAsync(workspace.Id, one.Id, a.Id));
        var first = Delivery(one, a.Id, 1, 10);
        Assert.True(await store.EnqueueMessageDeliveriesAsync(workspace.Id, one.Id, a.Id, null, 1, [first]));
        Assert.Equal(1, await store.GetMessageCursorAsync(workspace.Id, one.Id, a.Id));
        // A second "first" loses: the cursor exists now; what it would have queued is not queued.
        Assert.False(await store.EnqueueMessageDeliveriesAsync(workspace.Id, one.Id, a.Id, null, 2, [Delivery(one, a.Id, 2, 11)]));
        // So does a move from a value the cursor no longer has.
        Assert.False(await store.EnqueueMessageDeliveriesAsync(workspace.Id, one.Id, a.Id, 0, 2, [Delivery(one, a.Id, 2, 12)]));
        Assert.Equal([first.Id], await QueuedAsync());
        // From the value read it moves, with the deliveries; with none too (messages the subscription does not want).
        var second = Delivery(one, a.Id, 3, 13);
        Assert.True(await store.EnqueueMessageDeliveriesAsync(workspace.Id, one.Id, a.Id, 1, 3, [second]));
        Assert.True(await store.EnqueueMessageDeliveriesAsync(workspace.Id, one.Id, a.Id, 3, 5, []));
        Assert.True(await store.EnqueueMessageDeliveriesAsync(workspace.Id, one.Id, b.Id, null, 4, []));
        Assert.Equal(5, await store.GetMessageCursorAsync(workspace.Id, one.Id, a.Id));
        Assert.Equal([first.Id], await QueuedAsync());
        await store.CompleteDeliveryAsync(workspace.Id, first.Id);
        Assert.Equal([second.Id], await QueuedAsync());
        Assert.Equal(
            [new MessageCursor(workspace.Id, one.Id, a.Id, 5), new MessageCursor(workspace.Id, one.Id, b.Id, 4)],
            (await store.ListMessageCursorsAsync()).Where(c => c.WorkspaceId == workspace.Id).OrderBy(c => c.Sequence).Reverse());

        // No subscription, no cursor and nothing queued; deleting one drops its cursors.
        Assert.False(await store.EnqueueMessageDeliveriesAsync(workspace.Id, gone.Id, a.Id, null, 1, [Delivery(gone, a.Id, 1, 14)]));
        Assert.True(await store.DeleteEventSubscriptionAsync(workspace.Id, one.Id));
        Assert.Null(await store.GetMessageCursorAsync(workspace.Id, one.Id, a.Id));
        Assert.DoesNotContain(await store.ListMessageCursorsAsync(), c => c.WorkspaceId == workspace.Id);
        Assert.Empty(await QueuedAsync());
    }

    private static EventDelivery Delivery(EventSubscription subscription, Ulid channelId, long sequence, int at) =>
        new(Ulid.NewUlid(At(at)), subscription.WorkspaceId, subscription.Id, channelId, sequence, "MESSAGE_CREATE", [(byte)'{', (byte)at, (byte)'}'], 0, At(at), null, null, null, At(at));

    private static void AssertSameSubscription(EventSubscription expected, EventSubscription? actual)
    {
        Assert.NotNull(actual);
        // Lists and arrays compare by reference in a record: compared by content, the rest as the record.
        Assert.Equal(expected.Secret, actual.Secret);
        Assert.Equal(expected.Events, actual.Events);
        Assert.Equal(expected.ChannelIds, actual.ChannelIds);
        Assert.Equal(expected, actual with { Secret = expected.Secret, Events = expected.Events, ChannelIds = expected.ChannelIds });
    }
}
