using NUlid;

namespace Tanager.Tests.Storage;

public abstract partial class StorageSpecification
{
    [Fact]
    public async Task Notification_preferences_read_back_as_saved_and_replace_what_was_there()
    {
        var user = await NewUserAsync();
        Assert.Null(await _store.Notifications.GetNotificationPreferencesAsync(user.Id));
        var muted = new[] { Ulid.NewUlid(At(8)), Ulid.NewUlid(At(7)) };
        var quiet = new QuietHours(new TimeOnly(22, 30), new TimeOnly(6, 45), "America/New_York");
        await _store.Notifications.SetNotificationPreferencesAsync(new NotificationPreferences(user.Id, EmailNotificationLevel.All, muted, quiet));

        var saved = await _store.Notifications.GetNotificationPreferencesAsync(user.Id);
        Assert.NotNull(saved);
        Assert.Equal(EmailNotificationLevel.All, saved.Email);
        Assert.Equal(muted.Order(), saved.MutedChannels);
        Assert.Equal(quiet, saved.QuietHours);

        await _store.Notifications.SetNotificationPreferencesAsync(new NotificationPreferences(user.Id, EmailNotificationLevel.None, []));
        var replaced = await _store.Notifications.GetNotificationPreferencesAsync(user.Id);
        Assert.Equal(EmailNotificationLevel.None, replaced!.Email);
        Assert.Empty(replaced.MutedChannels);
        Assert.Null(replaced.QuietHours);
        Assert.Null(await _store.Notifications.GetNotificationPreferencesAsync((await NewUserAsync()).Id));
    }

    [Fact]
    public async Task The_notifier_state_is_made_once_and_its_cursor_moves_only_from_where_it_is()
    {
        var start = Ulid.NewUlid(At(10));
        byte[] key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
        var state = await _store.Notifications.GetNotificationStateAsync(start, key);
        Assert.Equal(start, state.Cursor);
        Assert.Equal(key, state.SigningKey);

        // A second node's first call gets the stored state, not its own.
        var again = await _store.Notifications.GetNotificationStateAsync(Ulid.NewUlid(At(20)), new byte[32]);
        Assert.Equal(start, again.Cursor);
        Assert.Equal(key, again.SigningKey);

        var next = Ulid.NewUlid(At(11));
        Assert.True(await _store.Notifications.TryAdvanceNotificationCursorAsync(start, next));
        // The loser of a race expected the old position and moves nothing.
        Assert.False(await _store.Notifications.TryAdvanceNotificationCursorAsync(start, Ulid.NewUlid(At(12))));
        Assert.Equal(next, (await _store.Notifications.GetNotificationStateAsync(start, key)).Cursor);
    }

    [Fact]
    public async Task Messages_between_two_ids_come_from_every_workspace_in_id_order_without_deleted_ones()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var (otherWorkspace, otherOwner) = await NewWorkspaceAsync();
        var channel = await NewChannelAsync(workspace, owner);
        var otherChannel = await NewChannelAsync(otherWorkspace, otherOwner);
        var drafts = new[]
        {
            new NewMessage(workspace.Id, channel.Id, Ulid.NewUlid(At(30)), owner.Id, "before", null, At(30)),
            new NewMessage(workspace.Id, channel.Id, Ulid.NewUlid(At(31)), owner.Id, "first", null, At(31)),
            new NewMessage(otherWorkspace.Id, otherChannel.Id, Ulid.NewUlid(At(32)), otherOwner.Id, "elsewhere", null, At(32)),
            new NewMessage(workspace.Id, channel.Id, Ulid.NewUlid(At(33)), owner.Id, "deleted", null, At(33)),
            new NewMessage(workspace.Id, channel.Id, Ulid.NewUlid(At(34)), owner.Id, "last", null, At(34)),
            new NewMessage(workspace.Id, channel.Id, Ulid.NewUlid(At(35)), owner.Id, "after", null, At(35)),
        };
        var stored = new List<Message>();
        foreach (var draft in drafts)
        {
            stored.AddRange(await _store.Messages.AppendAsync([draft]));
        }
        await _store.Messages.DeleteAsync(workspace.Id, stored[3].Id, At(36));

        var between = await _store.Notifications.ListMessagesBetweenAsync(stored[0].Id, stored[5].Id, 10);
        Assert.Equal(["first", "elsewhere", "last"], between.Select(m => m.Content));
        Assert.Equal(stored[1].Id, between[0].Id);
        var limited = await _store.Notifications.ListMessagesBetweenAsync(stored[0].Id, stored[5].Id, 2);
        Assert.Equal(["first", "elsewhere"], limited.Select(m => m.Content));
    }

    [Fact]
    public async Task The_push_notifier_state_is_its_own_made_once_and_moved_only_from_where_it_is()
    {
        var emailStart = Ulid.NewUlid(At(5));
        await _store.Notifications.GetNotificationStateAsync(emailStart, new byte[32]);
        var start = Ulid.NewUlid(At(10));
        byte[] key = [.. Enumerable.Range(1, 138).Select(i => (byte)i)];
        var state = await _store.Notifications.GetWebPushStateAsync(start, key);
        Assert.Equal(start, state.Cursor);
        Assert.Equal(key, state.SigningKey);
        var again = await _store.Notifications.GetWebPushStateAsync(Ulid.NewUlid(At(20)), []);
        Assert.Equal(start, again.Cursor);
        Assert.Equal(key, again.SigningKey);

        var next = Ulid.NewUlid(At(11));
        Assert.False(await _store.Notifications.TryAdvanceWebPushCursorAsync(emailStart, next));
        Assert.True(await _store.Notifications.TryAdvanceWebPushCursorAsync(start, next));
        Assert.False(await _store.Notifications.TryAdvanceWebPushCursorAsync(start, Ulid.NewUlid(At(12))));
        Assert.Equal(next, (await _store.Notifications.GetWebPushStateAsync(start, key)).Cursor);
        // The email notifier's cursor is another: it did not move.
        Assert.Equal(emailStart, (await _store.Notifications.GetNotificationStateAsync(emailStart, new byte[32])).Cursor);
    }

    [Fact]
    public async Task Push_subscriptions_are_kept_per_user_replaced_by_endpoint_capped_and_deleted_only_by_their_owner()
    {
        var (ann, bob) = (await NewUserAsync(), await NewUserAsync());
        WebPushSubscription Make(Ulid user, string endpoint, int minute) =>
            new(Ulid.NewUlid(At(minute)), user, endpoint, [4, .. Enumerable.Repeat((byte)minute, 64)], [.. Enumerable.Repeat((byte)minute, 16)], At(minute));

        var laptop = await _store.Notifications.SaveWebPushSubscriptionAsync(Make(ann.Id, "https://push.example/laptop", 1), 3);
        await _store.Notifications.SaveWebPushSubscriptionAsync(Make(ann.Id, "https://push.example/phone", 2), 3);
        Assert.Equal(["https://push.example/laptop", "https://push.example/phone"], (await _store.Notifications.ListWebPushSubscriptionsAsync(ann.Id)).Select(s => s.Endpoint));
        var read = (await _store.Notifications.ListWebPushSubscriptionsAsync(ann.Id))[0];
        Assert.Equal((laptop.Id, ann.Id, At(1)), (read.Id, read.UserId, read.CreatedAt));
        Assert.Equal(Enumerable.Repeat((byte)1, 16), read.Auth);
        Assert.Equal(65, read.P256dh.Length);

        // The laptop subscribes again with new keys, now signed in as Bob: same id, Bob's, the new keys.
        var moved = await _store.Notifications.SaveWebPushSubscriptionAsync(Make(bob.Id, "https://push.example/laptop", 3), 3);
        Assert.Equal(laptop.Id, moved.Id);
        Assert.Equal((bob.Id, At(3)), (moved.UserId, moved.CreatedAt));
        Assert.Equal(Enumerable.Repeat((byte)3, 16), Assert.Single(await _store.Notifications.ListWebPushSubscriptionsAsync(bob.Id)).Auth);
        Assert.Equal(["https://push.example/phone"], (await _store.Notifications.ListWebPushSubscriptionsAsync(ann.Id)).Select(s => s.Endpoint));

        // Past the cap, the oldest go.
        for (var minute = 4; minute <= 6; minute++)
        {
            await _store.Notifications.SaveWebPushSubscriptionAsync(Make(ann.Id, $"https://push.example/tab{minute}", minute), 3);
        }
        Assert.Equal(["https://push.example/tab4", "https://push.example/tab5", "https://push.example/tab6"],
            (await _store.Notifications.ListWebPushSubscriptionsAsync(ann.Id)).Select(s => s.Endpoint));

        Assert.False(await _store.Notifications.DeleteWebPushSubscriptionAsync(ann.Id, moved.Id));
        Assert.True(await _store.Notifications.DeleteWebPushSubscriptionAsync(bob.Id, moved.Id));
        Assert.False(await _store.Notifications.DeleteWebPushSubscriptionAsync(bob.Id, moved.Id));
        Assert.Empty(await _store.Notifications.ListWebPushSubscriptionsAsync(bob.Id));
    }
}
