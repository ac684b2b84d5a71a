using NUlid;

namespace Tanager.Tests.Storage;

public abstract partial class StorageSpecification
{
    [Fact]
    public async Task An_incoming_webhook_reads_back_by_id_and_in_its_channels_list_until_deleted()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var channel = await NewChannelAsync(workspace, owner);
        var other = await NewChannelAsync(workspace, owner, "other");
        var bot = await NewUserAsync();
        byte[] hash = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32];
        // Ids made a second apart, as ids made in order are (one millisecond's ULIDs are in no order).
        var first = new IncomingWebhook(Ulid.NewUlid(At(5)), workspace.Id, channel.Id, bot.Id, "Deploys", hash, owner.Id, At(5));
        var second = first with { Id = Ulid.NewUlid(At(6)), Name = "Alerts", TokenHash = [.. hash.Reverse()], CreatedAt = At(6) };
        var elsewhere = first with { Id = Ulid.NewUlid(), ChannelId = other.Id, Name = "Elsewhere" };
        foreach (var hook in new[] { first, second, elsewhere })
        {
            await _store.Webhooks.CreateIncomingWebhookAsync(hook);
        }

        AssertSameWebhook(first, await _store.Webhooks.GetIncomingWebhookAsync(first.Id));
        Assert.Null(await _store.Webhooks.GetIncomingWebhookAsync(Ulid.NewUlid()));
        var listed = await _store.Webhooks.ListIncomingWebhooksAsync(workspace.Id, channel.Id);
        Assert.Equal([first.Id, second.Id], listed.Select(h => h.Id));
        AssertSameWebhook(second, listed[1]);

        Assert.True(await _store.Webhooks.DeleteIncomingWebhookAsync(first.Id));
        Assert.False(await _store.Webhooks.DeleteIncomingWebhookAsync(first.Id));
        Assert.Null(await _store.Webhooks.GetIncomingWebhookAsync(first.Id));
        Assert.Equal([second.Id], (await _store.Webhooks.ListIncomingWebhooksAsync(workspace.Id, channel.Id)).Select(h => h.Id));
        Assert.Equal([elsewhere.Id], (await _store.Webhooks.ListIncomingWebhooksAsync(workspace.Id, other.Id)).Select(h => h.Id));
    }

    private static void AssertSameWebhook(IncomingWebhook expected, IncomingWebhook? actual)
    {
        Assert.NotNull(actual);
        // A record compares its byte array by reference: the hash is compared by content, the rest as the record.
        Assert.Equal(expected.TokenHash, actual.TokenHash);
        Assert.Equal(expected, actual with { TokenHash = expected.TokenHash });
    }
}
