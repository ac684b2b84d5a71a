using NUlid;

namespace Tanager.Tests.Storage;

public abstract partial class StorageSpecification
{
    private static Attachment NewAttachment(Channel channel, User uploader, long size = 100, int second = 3)
    {
        var id = Ulid.NewUlid();
        return new Attachment(channel.WorkspaceId, id, channel.Id, uploader.Id, "Résumé final.pdf", "application/pdf", size, $"{channel.WorkspaceId}/{channel.Id}/{id}/R_sum__final.pdf", At(second));
    }

    [Fact]
    public async Task An_attachment_reads_back_exactly_as_written_and_only_in_its_workspace()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var channel = await NewChannelAsync(workspace, owner);
        var attachment = NewAttachment(channel, owner);
        Assert.True(await _store.Attachments.TryAddAttachmentAsync(attachment, long.MaxValue));
        Assert.Equal(attachment, await _store.Attachments.GetAttachmentAsync(workspace.Id, attachment.Id));
        var (elsewhere, _) = await NewWorkspaceAsync();
        Assert.Null(await _store.Attachments.GetAttachmentAsync(elsewhere.Id, attachment.Id));
    }

    [Fact]
    public async Task The_workspace_quota_counts_every_attachment_of_the_workspace_and_no_other()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var channel = await NewChannelAsync(workspace, owner);
        Assert.True(await _store.Attachments.TryAddAttachmentAsync(NewAttachment(channel, owner, 600), 1000));
        var over = NewAttachment(channel, owner, 401);
        Assert.False(await _store.Attachments.TryAddAttachmentAsync(over, 1000));
        Assert.Null(await _store.Attachments.GetAttachmentAsync(workspace.Id, over.Id));
        Assert.True(await _store.Attachments.TryAddAttachmentAsync(NewAttachment(channel, owner, 400), 1000));

        var (other, otherOwner) = await NewWorkspaceAsync();
        Assert.True(await _store.Attachments.TryAddAttachmentAsync(NewAttachment(await NewChannelAsync(other, otherOwner), otherOwner, 1000), 1000));
    }

    [Fact]
    public async Task Attaching_takes_all_or_none_and_only_the_uploaders_unattached_files_of_that_channel()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var someone = await NewUserAsync();
        var channel = await NewChannelAsync(workspace, owner);
        var otherChannel = await NewChannelAsync(workspace, owner);
        var mine = NewAttachment(channel, owner);
        var mineToo = NewAttachment(channel, owner);
        var theirs = NewAttachment(channel, someone);
        var elsewhere = NewAttachment(otherChannel, owner);
        foreach (var a in new[] { mine, mineToo, theirs, elsewhere })
        {
            Assert.True(await _store.Attachments.TryAddAttachmentAsync(a, long.MaxValue));
        }
        var message = (await PostAsync(channel, owner, "with files"))[0];

        Assert.False(await _store.Attachments.AttachAsync(workspace.Id, channel.Id, owner.Id, [mine.Id, theirs.Id], message.Id));
        Assert.False(await _store.Attachments.AttachAsync(workspace.Id, channel.Id, owner.Id, [mine.Id, elsewhere.Id], message.Id));
        Assert.Null((await _store.Attachments.GetAttachmentAsync(workspace.Id, mine.Id))!.MessageId);

        Assert.True(await _store.Attachments.AttachAsync(workspace.Id, channel.Id, owner.Id, [mineToo.Id, mine.Id], message.Id));
        var listed = await _store.Attachments.ListAttachmentsAsync(workspace.Id, [message.Id, Ulid.NewUlid()]);
        // Made in one millisecond, the two ids order by their random part: compare both sides in id order.
        Assert.Equal(new[] { mine, mineToo }.Select(a => a with { MessageId = message.Id }).OrderBy(a => a.Id), listed.OrderBy(a => a.Id));
        // Attached once: a second message cannot take it.
        Assert.False(await _store.Attachments.AttachAsync(workspace.Id, channel.Id, owner.Id, [mine.Id], Ulid.NewUlid()));

        await _store.Attachments.DetachAsync(workspace.Id, message.Id);
        Assert.Empty(await _store.Attachments.ListAttachmentsAsync(workspace.Id, [message.Id]));
        Assert.Null((await _store.Attachments.GetAttachmentAsync(workspace.Id, mine.Id))!.MessageId);
    }

    [Fact]
    public async Task Expired_attachments_are_old_unattached_ones_those_of_messages_never_stored_and_those_of_messages_deleted_long_enough_ago()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var channel = await NewChannelAsync(workspace, owner);
        var oldUnattached = NewAttachment(channel, owner, second: 3);
        var newUnattached = NewAttachment(channel, owner, second: 100);
        var ofLiveMessage = NewAttachment(channel, owner, second: 3);
        var ofDeletedMessage = NewAttachment(channel, owner, second: 3);
        var ofRecentlyDeleted = NewAttachment(channel, owner, second: 3);
        var ofMissingMessage = NewAttachment(channel, owner, second: 3);
        foreach (var a in new[] { oldUnattached, newUnattached, ofLiveMessage, ofDeletedMessage, ofRecentlyDeleted, ofMissingMessage })
        {
            Assert.True(await _store.Attachments.TryAddAttachmentAsync(a, long.MaxValue));
        }
        var messages = await PostAsync(channel, owner, "live", "deleted early", "deleted late");
        Assert.True(await _store.Attachments.AttachAsync(workspace.Id, channel.Id, owner.Id, [ofLiveMessage.Id], messages[0].Id));
        Assert.True(await _store.Attachments.AttachAsync(workspace.Id, channel.Id, owner.Id, [ofDeletedMessage.Id], messages[1].Id));
        Assert.True(await _store.Attachments.AttachAsync(workspace.Id, channel.Id, owner.Id, [ofRecentlyDeleted.Id], messages[2].Id));
        Assert.True(await _store.Attachments.AttachAsync(workspace.Id, channel.Id, owner.Id, [ofMissingMessage.Id], Ulid.NewUlid()));
        await _store.Messages.DeleteAsync(workspace.Id, messages[1].Id, At(10));
        await _store.Messages.DeleteAsync(workspace.Id, messages[2].Id, At(200));

        var expired = await _store.Attachments.ListExpiredAttachmentsAsync(unattachedBefore: At(50), deletedBefore: At(50), claimedBefore: At(0), limit: 100);
        Assert.Equal(new[] { oldUnattached.Id, ofDeletedMessage.Id, ofMissingMessage.Id }.Order(), expired.Select(a => a.Id).Order());

        // One claimant at a time; a claim older than the timeout may be taken over; removed rows are gone.
        Assert.True(await _store.Attachments.TryClaimAttachmentAsync(workspace.Id, oldUnattached.Id, At(60), claimedBefore: At(0)));
        Assert.False(await _store.Attachments.TryClaimAttachmentAsync(workspace.Id, oldUnattached.Id, At(61), claimedBefore: At(30)));
        Assert.DoesNotContain(oldUnattached.Id, (await _store.Attachments.ListExpiredAttachmentsAsync(At(50), At(50), At(30), 100)).Select(a => a.Id));
        Assert.True(await _store.Attachments.TryClaimAttachmentAsync(workspace.Id, oldUnattached.Id, At(700), claimedBefore: At(100)));
        await _store.Attachments.RemoveAttachmentAsync(workspace.Id, oldUnattached.Id);
        await _store.Attachments.RemoveAttachmentAsync(workspace.Id, oldUnattached.Id);
        Assert.Null(await _store.Attachments.GetAttachmentAsync(workspace.Id, oldUnattached.Id));
        Assert.False(await _store.Attachments.TryClaimAttachmentAsync(workspace.Id, oldUnattached.Id, At(800), claimedBefore: At(800)));
        Assert.Equal(2, (await _store.Attachments.ListExpiredAttachmentsAsync(At(50), At(50), At(0), 2)).Count);
    }

    [Fact]
    public async Task A_posted_image_waits_for_one_claimed_thumbnail_and_its_message_changes_when_it_is_ready()
    {
        var (workspace, owner) = await NewWorkspaceAsync();
        var channel = await NewChannelAsync(workspace, owner);
        var photo = NewAttachment(channel, owner) with { ContentType = "image/jpeg" };
        var unknown = NewAttachment(channel, owner) with { ContentType = "image/png" };
        var unposted = NewAttachment(channel, owner) with { ContentType = "image/png" };
        foreach (var a in new[] { photo, unknown, unposted })
        {
            Assert.True(await _store.Attachments.TryAddAttachmentAsync(a, long.MaxValue));
        }
        await _store.Attachments.SetImageAsync(workspace.Id, photo.Id, new ImageSize(1200, 1600));
        await _store.Attachments.SetImageAsync(workspace.Id, unknown.Id, null);
        await _store.Attachments.SetImageAsync(workspace.Id, unposted.Id, new ImageSize(10, 10));
        var stored = (await _store.Attachments.GetAttachmentAsync(workspace.Id, photo.Id))!;
        Assert.Equal((new ImageSize(1200, 1600), ThumbnailState.Pending, (ImageSize?)null), (stored.Image, stored.ThumbnailState, stored.ThumbnailSize));
        var message = (await PostAsync(channel, owner, "photos"))[0];
        Assert.True(await _store.Attachments.AttachAsync(workspace.Id, channel.Id, owner.Id, [photo.Id, unknown.Id], message.Id));

        async Task<Ulid[]> PendingAsync(int second) =>
            [.. (await _store.Attachments.ListPendingThumbnailsAsync(At(second), 1000)).Where(a => a.WorkspaceId == workspace.Id).Select(a => a.Id).Order()];
        Ulid[] Both() => [.. new[] { photo.Id, unknown.Id }.Order()];
        // Only attached images wait: an upload that is never posted gets no thumbnail.
        Assert.Equal(Both(), await PendingAsync(100));
        Assert.True(await _store.Attachments.TryClaimThumbnailAsync(workspace.Id, photo.Id, At(100), claimedBefore: At(40)));
        Assert.False(await _store.Attachments.TryClaimThumbnailAsync(workspace.Id, photo.Id, At(101), claimedBefore: At(40)));
        Assert.Equal([unknown.Id], await PendingAsync(50));
        // A claim older than the timeout is taken over (the worker that made it died).
        Assert.Equal(Both(), await PendingAsync(200));
        Assert.True(await _store.Attachments.TryClaimThumbnailAsync(workspace.Id, photo.Id, At(400), claimedBefore: At(200)));

        var change = await _store.Attachments.CompleteThumbnailAsync(workspace.Id, photo.Id, message.Id, new ImageSize(1, 1), new ImageSize(540, 720));
        Assert.NotNull(change);
        Assert.True(change.Changed);
        Assert.True(change.Message.ChangeSequence > message.ChangeSequence);
        var ready = (await _store.Attachments.GetAttachmentAsync(workspace.Id, photo.Id))!;
        // The size read at posting stays; the decoder's is only a fallback.
        Assert.Equal((new ImageSize(1200, 1600), ThumbnailState.Ready, (ImageSize?)new ImageSize(540, 720)), (ready.Image, ready.ThumbnailState, ready.ThumbnailSize));
        Assert.False(await _store.Attachments.TryClaimThumbnailAsync(workspace.Id, photo.Id, At(900), claimedBefore: At(900)));

        Assert.True(await _store.Attachments.TryClaimThumbnailAsync(workspace.Id, unknown.Id, At(400), claimedBefore: At(200)));
        Assert.Null(await _store.Attachments.CompleteThumbnailAsync(workspace.Id, unknown.Id, message.Id, null, null));
        var failed = (await _store.Attachments.GetAttachmentAsync(workspace.Id, unknown.Id))!;
        Assert.Equal((null, ThumbnailState.Failed, null), (failed.Image, failed.ThumbnailState, failed.ThumbnailSize));
        Assert.Empty(await PendingAsync(1000));
        var listed = await _store.Attachments.ListAttachmentsAsync(workspace.Id, [message.Id]);
        Assert.Equal((ThumbnailState.Ready, ThumbnailState.Failed), (listed.Single(a => a.Id == photo.Id).ThumbnailState, listed.Single(a => a.Id == unknown.Id).ThumbnailState));
        Assert.Equal(change.Message.ChangeSequence, (await _store.Messages.GetAsync(workspace.Id, message.Id))!.ChangeSequence);
    }
}
