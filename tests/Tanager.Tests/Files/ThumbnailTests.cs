using System.Net;
using System.Net.Http.Json;
using SkiaSharp;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.Files;

/// <summary>Image sizes and thumbnails through a real server (local-disk store, the SkiaSharp processor the server uses).</summary>
public sealed class ThumbnailTests
{
    [Fact]
    public async Task A_posted_photo_has_its_displayed_size_at_once_and_an_upright_thumbnail_without_its_location_soon_after()
    {
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var reader = room.Members[0];
        var created = new TaskCompletionSource<MessageDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        var updated = new TaskCompletionSource<MessageDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        reader.Gateway.MessageCreated += m => Task.FromResult(created.TrySetResult(m));
        reader.Gateway.MessageUpdated += m => Task.FromResult(updated.TrySetResult(m));
        await reader.Gateway.ConnectAsync().Within();

        // Stored 1600 × 1200 with EXIF orientation 6: shown 1200 × 1600.
        var photo = TestImages.JpegWithExif(1600, 1200, orientation: 6);
        var upload = await room.Owner.UploadAsync(room.Workspace.Id, room.Channel.Id, new MemoryStream(photo), "IMG_0001.jpg", "image/jpeg");
        Assert.Null(upload.Width);
        var posted = await room.Owner.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "", [upload.Id]);

        var shown = Assert.Single(posted.Attachments!);
        Assert.Equal((1200, 1600), (shown.Width, shown.Height));
        var live = Assert.Single((await created.Task.Within()).Attachments!);
        Assert.Equal((1200, 1600), (live.Width, live.Height));

        var withThumbnail = Assert.Single((await updated.Task.Within(30)).Attachments!);
        Assert.Equal(new ThumbnailDto { Width = 540, Height = 720 }, withThumbnail.Thumbnail);
        Assert.Equal((1200, 1600), (withThumbnail.Width, withThumbnail.Height));
        var history = await reader.GetMessagesAsync(room.Workspace.Id, room.Channel.Id);
        Assert.Equal(withThumbnail.Thumbnail, Assert.Single(Assert.Single(history.Messages).Attachments!).Thumbnail);

        var link = await reader.GetThumbnailUrlAsync(room.Workspace.Id, upload.Id);
        using var response = await FileApi.GetAsync(link.Url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/webp", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline", response.Content.Headers.ContentDisposition?.DispositionType);
        var webp = await response.Content.ReadAsByteArrayAsync();
        using (var codec = SKCodec.Create(SKData.CreateCopy(webp)))
        {
            Assert.Equal((SKEncodedImageFormat.Webp, 540, 720), (codec.EncodedFormat, codec.Info.Width, codec.Info.Height));
        }
        Assert.False(TestImages.Contains(webp, "Exif"u8));
        Assert.False(TestImages.Contains(webp, TestImages.LatitudeBytes));
        Assert.False(TestImages.Contains(webp, System.Text.Encoding.ASCII.GetBytes(TestImages.SecretDescription)));
        Assert.True(TestImages.IsRed(TestImages.PixelAt(webp, 270, 150)));

        using var sdkCopy = new MemoryStream();
        await reader.DownloadThumbnailAsync(room.Workspace.Id, upload.Id, sdkCopy);
        Assert.Equal(webp, sdkCopy.ToArray());
        // The original is untouched: what was uploaded is what is downloaded.
        using var original = new MemoryStream();
        await reader.DownloadAsync(room.Workspace.Id, upload.Id, original);
        Assert.Equal(photo, original.ToArray());
    }

    [Fact]
    public async Task Files_that_are_not_decodable_images_have_no_size_and_no_thumbnail_and_the_thumbnail_route_says_so()
    {
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 0);
        var api = new FileApi(server.Url, room.Owner.Token!);
        var text = await room.Owner.UploadAsync(room.Workspace.Id, room.Channel.Id, new MemoryStream("hello"u8.ToArray()), "a.txt", "text/plain");
        var noise = new byte[5000];
        new Random(3).NextBytes(noise);
        var fake = await room.Owner.UploadAsync(room.Workspace.Id, room.Channel.Id, new MemoryStream(noise), "fake.png", "image/png");
        var posted = await room.Owner.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "files", [text.Id, fake.Id]);
        Assert.All(posted.Attachments!, a => Assert.Null(a.Width));

        var store = server.Services.GetRequiredService<IAttachmentStore>();
        var workspaceId = NUlid.Ulid.Parse(room.Workspace.Id);
        Assert.True(await Eventually.UntilAsync(async () =>
            (await store.GetAttachmentAsync(workspaceId, NUlid.Ulid.Parse(fake.Id)))!.ThumbnailState == ThumbnailState.Failed));
        Assert.Equal(ThumbnailState.None, (await store.GetAttachmentAsync(workspaceId, NUlid.Ulid.Parse(text.Id)))!.ThumbnailState);
        foreach (var id in new[] { text.Id, fake.Id })
        {
            using var response = await api.ThumbnailLinkAsync(room.Workspace.Id, id);
            await FileApi.AssertProblemAsync(response, 404, "not_found");
        }
        var history = await room.Owner.GetMessagesAsync(room.Workspace.Id, room.Channel.Id);
        Assert.All(Assert.Single(history.Messages).Attachments!, a => Assert.Null(a.Thumbnail));
    }

    [Fact]
    public async Task Only_readers_of_the_channel_get_a_thumbnail_url()
    {
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var upload = await room.Owner.UploadAsync(room.Workspace.Id, room.Channel.Id, new MemoryStream(TestImages.Encode(64, 64, SKEncodedImageFormat.Png)), "dot.png", "image/png");
        var posted = await room.Owner.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "", [upload.Id]);
        Assert.True(await Eventually.UntilAsync(async () =>
            Assert.Single((await room.Members[0].GetMessagesAsync(room.Workspace.Id, room.Channel.Id)).Messages).Attachments![0].Thumbnail is not null));
        Assert.Equal(posted.Id, Assert.Single((await room.Members[0].GetMessagesAsync(room.Workspace.Id, room.Channel.Id)).Messages).Id);

        var outsider = await server.NewUserAsync();
        using var refused = await new FileApi(server.Url, outsider.Token!).ThumbnailLinkAsync(room.Workspace.Id, upload.Id);
        await FileApi.AssertProblemAsync(refused, 404, "not_found");
        using var allowed = await new FileApi(server.Url, room.Members[0].Token!).ThumbnailLinkAsync(room.Workspace.Id, upload.Id);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        var link = (await allowed.Content.ReadFromJsonAsync(TanagerJsonContext.Default.DownloadUrlDto))!;
        // A thumbnail URL grants the thumbnail alone: the same signature does not open the original.
        var original = link.Url.Replace(".thumbnail.webp", "dot.png", StringComparison.Ordinal);
        using var other = await FileApi.GetAsync(original);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task Thumbnails_left_to_make_are_found_by_the_sweep_and_go_with_their_file_when_the_message_is_deleted()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Attachments.ThumbnailSweepInterval = TimeSpan.FromMilliseconds(200);
            o.Attachments.DeletedRetention = TimeSpan.Zero;
            o.Attachments.PurgeInterval = TimeSpan.FromMilliseconds(200);
        });
        var room = await ChatRoom.CreateAsync(server, members: 0);
        var upload = await room.Owner.UploadAsync(room.Workspace.Id, room.Channel.Id, new MemoryStream(TestImages.Encode(300, 100, SKEncodedImageFormat.Png)), "wide.png", "image/png");
        var posted = await room.Owner.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "", [upload.Id]);
        var store = server.Services.GetRequiredService<IAttachmentStore>();
        var files = server.Services.GetRequiredService<IFileStore>();
        var (workspaceId, attachmentId) = (NUlid.Ulid.Parse(room.Workspace.Id), NUlid.Ulid.Parse(upload.Id));
        async Task<Attachment> RowAsync() => (await store.GetAttachmentAsync(workspaceId, attachmentId))!;
        Assert.True(await Eventually.UntilAsync(async () => (await RowAsync()).ThumbnailState == ThumbnailState.Ready));
        var thumbnailKey = AttachmentService.ThumbnailKey(await RowAsync());
        Assert.NotNull(await files.GetSizeAsync(thumbnailKey));

        // As a node that stopped before making it would leave it: pending, and no post to wake a worker.
        await files.DeleteAsync(thumbnailKey);
        await store.SetImageAsync(workspaceId, attachmentId, new ImageSize(300, 100));
        Assert.True(await Eventually.UntilAsync(async () => (await RowAsync()).ThumbnailState == ThumbnailState.Ready && await files.GetSizeAsync(thumbnailKey) is not null));

        await room.Owner.DeleteMessageAsync(room.Workspace.Id, room.Channel.Id, posted.Id);
        Assert.True(await Eventually.UntilAsync(async () => await store.GetAttachmentAsync(workspaceId, attachmentId) is null));
        Assert.Null(await files.GetSizeAsync(thumbnailKey));
        Assert.False(Directory.Exists(Path.Combine(((LocalDiskFileStore)files).Directory, room.Workspace.Id, room.Channel.Id, upload.Id)));
    }
}
