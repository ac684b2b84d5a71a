using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.Files;

/// <summary>Uploading, attaching and downloading through a real server with the default local-disk store.</summary>
public sealed class AttachmentTests
{
    private static async Task<(TestServer Server, ChatRoom Room, FileApi Owner)> StartAsync(Action<TanagerOptions>? configure = null)
    {
        var server = await TestServer.StartAsync(configure);
        var room = await ChatRoom.CreateAsync(server, members: 1);
        return (server, room, new FileApi(server.Url, room.Owner.Token!));
    }

    private static string FilesFolder(TestServer server) => ((LocalDiskFileStore)server.Services.GetRequiredService<IFileStore>()).Directory;

    /// <summary>Every file under the store's folder except its signing key: what a refused upload must not add to.</summary>
    private static string[] StoredFiles(TestServer server) => Directory.Exists(FilesFolder(server))
        ? [.. Directory.EnumerateFiles(FilesFolder(server), "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "signing.key")]
        : [];

    [Fact]
    public async Task A_file_uploaded_with_the_sdk_is_posted_seen_live_and_in_history_and_downloaded_byte_identical()
    {
        var (server, room, _) = await StartAsync();
        await using var _ = server;
        var reader = room.Members[0];
        var live = new TaskCompletionSource<MessageDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.Gateway.MessageCreated += m => Task.FromResult(live.TrySetResult(m));
        await reader.Gateway.ConnectAsync().Within();

        var bytes = RandomNumberGenerator.GetBytes(1_000_000);
        var reported = new List<long>();
        var attachment = await room.Owner.UploadAsync(room.Workspace.Id, room.Channel.Id, new MemoryStream(bytes), "holiday.png", "image/png", new SyncProgress(reported.Add));
        Assert.Equal(bytes.Length, reported[^1]);
        Assert.Equal(bytes.Length, attachment.Size);

        var posted = await room.Owner.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "", [attachment.Id]);
        Assert.Equal("", posted.Content);
        Assert.Equal(attachment.Id, Assert.Single(posted.Attachments!).Id);
        var seen = await live.Task.Within();
        Assert.Equal(new[] { ("holiday.png", "image/png", 1_000_000L, posted.Id) },
            seen.Attachments!.Select(a => (a.FileName, a.ContentType, a.Size, a.MessageId!)));
        var history = await reader.GetMessagesAsync(room.Workspace.Id, room.Channel.Id);
        Assert.Equal(attachment.Id, Assert.Single(Assert.Single(history.Messages).Attachments!).Id);

        using var downloaded = new MemoryStream();
        await reader.DownloadAsync(room.Workspace.Id, attachment.Id, downloaded);
        Assert.Equal(bytes, downloaded.ToArray());
    }

    [Fact]
    public async Task Editing_a_message_keeps_its_attachments_in_MESSAGE_UPDATE_and_deleting_it_hides_them()
    {
        var (server, room, _) = await StartAsync();
        await using var _ = server;
        var reader = room.Members[0];
        var updated = new TaskCompletionSource<MessageDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.Gateway.MessageUpdated += m => Task.FromResult(updated.TrySetResult(m));
        await reader.Gateway.ConnectAsync().Within();
        var attachment = await room.Owner.UploadAsync(room.Workspace.Id, room.Channel.Id, new MemoryStream([1, 2, 3]), "a.txt", "text/plain");
        var posted = await room.Owner.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "see file", [attachment.Id]);

        await room.Owner.EditMessageAsync(room.Workspace.Id, room.Channel.Id, posted.Id, "see the file");
        Assert.Equal(attachment.Id, Assert.Single((await updated.Task.Within()).Attachments!).Id);

        var tombstone = await room.Owner.DeleteMessageAsync(room.Workspace.Id, room.Channel.Id, posted.Id);
        Assert.Null(tombstone.Attachments);
        var error = await Assert.ThrowsAsync<TanagerApiException>(() => reader.GetDownloadUrlAsync(room.Workspace.Id, attachment.Id));
        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task An_upload_over_the_maximum_size_is_refused_with_413_and_nothing_is_stored()
    {
        var (server, room, owner) = await StartAsync(o => o.Attachments.MaxFileSize = 1000);
        await using var _ = server;
        using var response = await owner.RequestUploadAsync(room.Workspace.Id, room.Channel.Id, "big.bin", "application/octet-stream", 1001);
        Assert.Contains("1000", await FileApi.AssertProblemAsync(response, 413, ErrorCodes.FileTooLarge), StringComparison.Ordinal);
        Assert.Empty(StoredFiles(server));
    }

    [Fact]
    public async Task The_workspace_quota_refuses_an_upload_that_would_exceed_it_with_413()
    {
        var (server, room, owner) = await StartAsync(o => o.Attachments.WorkspaceQuota = 1500);
        await using var _ = server;
        await owner.UploadSlotAsync(room.Workspace.Id, room.Channel.Id, "one.bin", "application/octet-stream", 1000);
        using var response = await owner.RequestUploadAsync(room.Workspace.Id, room.Channel.Id, "two.bin", "application/octet-stream", 501);
        await FileApi.AssertProblemAsync(response, 413, ErrorCodes.QuotaExceeded);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/x-msdownload")]
    [InlineData("video/mp4")]
    public async Task Content_types_denied_or_not_allowed_are_refused_with_415(string contentType)
    {
        var (server, room, owner) = await StartAsync(o =>
        {
            o.Attachments.AllowedContentTypes.Add("image/*");
            o.Attachments.AllowedContentTypes.Add("text/*");
            o.Attachments.AllowedContentTypes.Add("application/x-msdownload");
            o.Attachments.DeniedContentTypes.Add("text/html");
            o.Attachments.DeniedContentTypes.Add("application/x-msdownload");
        });
        await using var _ = server;
        using var refused = await owner.RequestUploadAsync(room.Workspace.Id, room.Channel.Id, "file", contentType, 10);
        await FileApi.AssertProblemAsync(refused, 415, ErrorCodes.UnsupportedContentType);
        using var allowed = await owner.RequestUploadAsync(room.Workspace.Id, room.Channel.Id, "photo.jpg", "image/jpeg", 10);
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("..")]
    [InlineData("folder/file.txt")]
    [InlineData("C:\\Windows\\win.ini")]
    [InlineData("nul\u0000byte.txt")]
    [InlineData("two\nlines.txt")]
    [InlineData("bell\u0007.txt")]
    [InlineData("invoice\u202Efdp.exe")]
    [InlineData(" padded.txt")]
    [InlineData("")]
    public async Task Names_that_are_paths_or_hold_control_characters_are_refused_with_400(string name)
    {
        var (server, room, owner) = await StartAsync();
        await using var _ = server;
        using var response = await owner.RequestUploadAsync(room.Workspace.Id, room.Channel.Id, name, "text/plain", 10);
        await FileApi.AssertProblemAsync(response, 400, ErrorCodes.InvalidRequest);
    }

    [Fact]
    public async Task Names_differing_only_by_unicode_normalisation_are_stored_as_the_same_nfc_name_and_keys_stay_ascii()
    {
        var (server, room, owner) = await StartAsync();
        await using var _ = server;
        var decomposed = await owner.UploadSlotAsync(room.Workspace.Id, room.Channel.Id, "Re\u0301sume\u0301 2026.pdf", "application/pdf", 10);
        var composed = await owner.UploadSlotAsync(room.Workspace.Id, room.Channel.Id, "R\u00e9sum\u00e9 2026.pdf", "application/pdf", 10);
        Assert.Equal("R\u00e9sum\u00e9 2026.pdf", decomposed.Attachment.FileName);
        Assert.Equal(composed.Attachment.FileName, decomposed.Attachment.FileName);
        Assert.Contains($"/{room.Workspace.Id}/{room.Channel.Id}/{decomposed.Attachment.Id}/R_sum__2026.pdf?", decomposed.UploadUrl, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_local_put_of_the_wrong_size_is_refused_and_leaves_no_file()
    {
        var (server, room, owner) = await StartAsync();
        await using var _ = server;
        var slot = await owner.UploadSlotAsync(room.Workspace.Id, room.Channel.Id, "exact.bin", "application/octet-stream", 1000);
        using (var longer = await FileApi.PutAsync(slot.UploadUrl, new byte[1001], "application/octet-stream"))
        {
            await FileApi.AssertProblemAsync(longer, 413, ErrorCodes.FileTooLarge);
        }
        using (var shorter = await FileApi.PutAsync(slot.UploadUrl, new byte[999], "application/octet-stream"))
        {
            await FileApi.AssertProblemAsync(shorter, 400, ErrorCodes.InvalidRequest);
        }
        using (var wrongType = await FileApi.PutAsync(slot.UploadUrl, new byte[1000], "text/html"))
        {
            await FileApi.AssertProblemAsync(wrongType, 415, ErrorCodes.UnsupportedContentType);
        }
        Assert.Empty(StoredFiles(server));
        using var posted = await owner.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "too early", slot.Attachment.Id);
        await FileApi.AssertProblemAsync(posted, 409, ErrorCodes.UploadIncomplete);
    }

    [Fact]
    public async Task An_expired_upload_url_is_refused_with_403()
    {
        var (server, room, owner) = await StartAsync(o => o.Attachments.UploadUrlLifetime = TimeSpan.FromSeconds(1));
        await using var _ = server;
        var slot = await owner.UploadSlotAsync(room.Workspace.Id, room.Channel.Id, "late.txt", "text/plain", 3);
        // Expiry is in whole seconds: two seconds later the URL is past it whatever the sub-second start.
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        using var response = await FileApi.PutAsync(slot.UploadUrl, [1, 2, 3], "text/plain");
        await FileApi.AssertProblemAsync(response, 403, ErrorCodes.UrlExpired);
        Assert.Empty(StoredFiles(server));
    }

    [Fact]
    public async Task A_signed_url_never_grants_another_object_or_a_longer_life()
    {
        var (server, room, owner) = await StartAsync();
        await using var _ = server;
        var first = await owner.UploadSlotAsync(room.Workspace.Id, room.Channel.Id, "first.txt", "text/plain", 3);
        var second = await owner.UploadSlotAsync(room.Workspace.Id, room.Channel.Id, "second.txt", "text/plain", 3);
        var otherKey = first.UploadUrl.Replace($"{first.Attachment.Id}/first.txt", $"{second.Attachment.Id}/second.txt", StringComparison.Ordinal);
        Assert.NotEqual(first.UploadUrl, otherKey);
        using (var response = await FileApi.PutAsync(otherKey, [1, 2, 3], "text/plain"))
        {
            await FileApi.AssertProblemAsync(response, 403, ErrorCodes.InvalidSignature);
        }
        var later = System.Text.RegularExpressions.Regex.Replace(first.UploadUrl, "expires=([0-9]+)", m => "expires=" + (long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 3600));
        using (var response = await FileApi.PutAsync(later, [1, 2, 3], "text/plain"))
        {
            await FileApi.AssertProblemAsync(response, 403, ErrorCodes.InvalidSignature);
        }
        using (var put = await FileApi.PutAsync(first.UploadUrl, [1, 2, 3], "text/plain"))
        {
            Assert.True(put.IsSuccessStatusCode);
        }
        // An upload URL is not a download URL for the same object.
        using (var get = await FileApi.GetAsync(first.UploadUrl))
        {
            await FileApi.AssertProblemAsync(get, 403, ErrorCodes.InvalidSignature);
        }
        Assert.Single(StoredFiles(server));
    }

    [Fact]
    public async Task Downloads_are_attachments_except_safe_images_and_never_sniffed()
    {
        var (server, room, owner) = await StartAsync();
        await using var _ = server;
        foreach (var (name, type, disposition, servedAs) in new[]
        {
            ("photo.png", "image/png", "inline", "image/png"),
            ("drawing.svg", "image/svg+xml", "attachment", "application/octet-stream"),
            ("page.html", "text/html", "attachment", "application/octet-stream"),
            ("notes.txt", "text/plain", "attachment", "application/octet-stream"),
        })
        {
            var slot = await owner.UploadSlotAsync(room.Workspace.Id, room.Channel.Id, name, type, 4);
            (await FileApi.PutAsync(slot.UploadUrl, [60, 104, 49, 62], type)).Dispose();
            (await owner.PostMessageAsync(room.Workspace.Id, room.Channel.Id, name, slot.Attachment.Id)).Dispose();
            var link = await room.Members[0].GetDownloadUrlAsync(room.Workspace.Id, slot.Attachment.Id);
            using var response = await FileApi.GetAsync(link.Url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(disposition, response.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Equal(name, response.Content.Headers.ContentDisposition?.FileNameStar);
            Assert.Equal(servedAs, response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        }
    }

    [Fact]
    public async Task Only_members_who_can_read_the_channel_get_a_download_url_and_unposted_uploads_are_the_uploaders_alone()
    {
        var (server, room, owner) = await StartAsync();
        await using var _ = server;
        var slot = await owner.UploadSlotAsync(room.Workspace.Id, room.Channel.Id, "plan.txt", "text/plain", 3);
        (await FileApi.PutAsync(slot.UploadUrl, [1, 2, 3], "text/plain")).Dispose();
        var member = new FileApi(server.Url, room.Members[0].Token!);
        await using var outsiderClient = await server.NewUserAsync("Outsider");
        var outsider = new FileApi(server.Url, outsiderClient.Token!);

        // Before it is posted: the uploader only.
        using (var early = await member.DownloadLinkAsync(room.Workspace.Id, slot.Attachment.Id))
        {
            await FileApi.AssertProblemAsync(early, 404, ErrorCodes.NotFound);
        }
        using (var own = await owner.DownloadLinkAsync(room.Workspace.Id, slot.Attachment.Id))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        }
        (await owner.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "plan", slot.Attachment.Id)).Dispose();
        using (var posted = await member.DownloadLinkAsync(room.Workspace.Id, slot.Attachment.Id))
        {
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }
        using (var refused = await outsider.DownloadLinkAsync(room.Workspace.Id, slot.Attachment.Id))
        {
            await FileApi.AssertProblemAsync(refused, 404, ErrorCodes.NotFound);
        }
    }

    [Fact]
    public async Task Attaching_checks_the_uploader_and_that_each_upload_is_used_once()
    {
        var (server, room, owner) = await StartAsync();
        await using var _ = server;
        var slot = await owner.UploadSlotAsync(room.Workspace.Id, room.Channel.Id, "once.txt", "text/plain", 3);
        (await FileApi.PutAsync(slot.UploadUrl, [1, 2, 3], "text/plain")).Dispose();
        var member = new FileApi(server.Url, room.Members[0].Token!);
        using (var notTheirs = await member.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "mine now", slot.Attachment.Id))
        {
            await FileApi.AssertProblemAsync(notTheirs, 404, ErrorCodes.NotFound);
        }
        using (var first = await owner.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "first", slot.Attachment.Id))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }
        using (var again = await owner.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "again", slot.Attachment.Id))
        {
            await FileApi.AssertProblemAsync(again, 409, ErrorCodes.AttachmentInUse);
        }
        using (var bogus = await owner.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "bogus", "not-an-id"))
        {
            await FileApi.AssertProblemAsync(bogus, 404, ErrorCodes.NotFound);
        }
    }

    [Fact]
    public async Task A_retried_send_with_the_same_nonce_returns_the_first_message_with_its_files()
    {
        var (server, room, _) = await StartAsync();
        await using var _ = server;
        var attachment = await room.Owner.UploadAsync(room.Workspace.Id, room.Channel.Id, new MemoryStream([1, 2, 3]), "a.txt", "text/plain");
        var first = await room.Owner.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "files", [attachment.Id], nonce: "retry-1");
        var retried = await room.Owner.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "files", [attachment.Id], nonce: "retry-1");
        Assert.Equal(first.Id, retried.Id);
        Assert.Equal(attachment.Id, Assert.Single(retried.Attachments!).Id);
    }

    [Fact]
    public async Task The_lifecycle_removes_unattached_uploads_and_the_files_of_deleted_messages_but_keeps_live_ones()
    {
        var (server, room, owner) = await StartAsync(o =>
        {
            o.Attachments.UploadUrlLifetime = TimeSpan.FromSeconds(1);
            o.Attachments.UnattachedLifetime = TimeSpan.FromSeconds(2);
            o.Attachments.DeletedRetention = TimeSpan.FromSeconds(1);
            o.Attachments.PurgeInterval = TimeSpan.FromMilliseconds(200);
        });
        await using var _ = server;
        var store = server.Services.GetRequiredService<IFileStore>();
        async Task<(UploadSlotDto Slot, string Key)> UploadAsync(string name)
        {
            var slot = await owner.UploadSlotAsync(room.Workspace.Id, room.Channel.Id, name, "text/plain", 3);
            (await FileApi.PutAsync(slot.UploadUrl, [1, 2, 3], "text/plain")).Dispose();
            return (slot, $"{room.Workspace.Id}/{room.Channel.Id}/{slot.Attachment.Id}/{name}");
        }
        var orphan = await UploadAsync("orphan.txt");
        var kept = await UploadAsync("kept.txt");
        var deleted = await UploadAsync("deleted.txt");
        await room.Owner.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "kept", [kept.Slot.Attachment.Id]);
        var doomed = await room.Owner.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "deleted", [deleted.Slot.Attachment.Id]);
        await room.Owner.DeleteMessageAsync(room.Workspace.Id, room.Channel.Id, doomed.Id);

        // The purge deletes a file and then its row (so a purge that dies between the two retries the file), so wait for both.
        var attachments = server.Services.GetRequiredService<IAttachmentStore>();
        Assert.True(await Eventually.UntilAsync(async () => await store.GetSizeAsync(orphan.Key) is null && await store.GetSizeAsync(deleted.Key) is null
                && await attachments.GetAttachmentAsync(NUlid.Ulid.Parse(room.Workspace.Id), NUlid.Ulid.Parse(orphan.Slot.Attachment.Id)) is null),
            "The orphan's file and row and the deleted message's file should be gone within seconds.");
        Assert.Equal(3, await store.GetSizeAsync(kept.Key));
        Assert.NotNull(await attachments.GetAttachmentAsync(NUlid.Ulid.Parse(room.Workspace.Id), NUlid.Ulid.Parse(kept.Slot.Attachment.Id)));
        using var stillThere = await new FileApi(server.Url, room.Members[0].Token!).DownloadLinkAsync(room.Workspace.Id, kept.Slot.Attachment.Id);
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, so its last report may arrive late).</summary>
    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
