using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Tanager.Tests.Files;

/// <summary>
/// What every <see cref="IFileStore"/> must do, through the interface only, with the URLs it signs used the way a
/// client uses them (a plain HTTP PUT or GET, no credentials). Local disk's URLs are relative to an API root, which
/// each subclass resolves (a real Tanager server for local disk; the object store answers S3's directly).
/// </summary>
public abstract class FileStoreSpecification : IAsyncLifetime
{
    protected static readonly HttpClient Http = new();

    protected IFileStore Store { get; private set; } = null!;

    protected abstract Task<IFileStore> CreateStoreAsync();

    /// <summary>The absolute URL a client uses for <paramref name="url"/>.</summary>
    protected abstract Uri Resolve(Uri url);

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public virtual Task DisposeAsync()
    {
        (Store as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    private static string NewKey(string name = "report.pdf") => $"{NUlid.Ulid.NewUlid()}/{NUlid.Ulid.NewUlid()}/{NUlid.Ulid.NewUlid()}/{name}";

    [Fact]
    public async Task Bytes_put_through_the_upload_url_come_back_through_the_download_url_unchanged()
    {
        var key = NewKey();
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        var upload = Resolve(await Store.GetUploadUrlAsync(key, "application/pdf", bytes.Length, DateTimeOffset.UtcNow.AddMinutes(5)));
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        using (var put = await Http.PutAsync(upload, content))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }
        Assert.Equal(bytes.Length, await Store.GetSizeAsync(key));

        var download = Resolve(await Store.GetDownloadUrlAsync(key, new FileDownload("application/octet-stream", "attachment; filename=\"report.pdf\""), DateTimeOffset.UtcNow.AddMinutes(5)));
        using var get = await Http.GetAsync(download);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", get.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("application/octet-stream", get.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_object_written_by_the_server_can_be_read_measured_and_deleted_and_deleting_twice_succeeds()
    {
        var key = NewKey("notes.txt");
        var bytes = RandomNumberGenerator.GetBytes(12_345);
        await Store.PutAsync(key, new MemoryStream(bytes), bytes.Length, "text/plain");
        Assert.Equal(bytes.Length, await Store.GetSizeAsync(key));
        await using (var read = await Store.OpenReadAsync(key))
        {
            Assert.NotNull(read);
            using var copy = new MemoryStream();
            await read.CopyToAsync(copy);
            Assert.Equal(bytes, copy.ToArray());
        }
        await Store.DeleteAsync(key);
        await Store.DeleteAsync(key);
        Assert.Null(await Store.GetSizeAsync(key));
        Assert.Null(await Store.OpenReadAsync(key));
    }

    [Fact]
    public async Task The_start_of_an_object_is_read_alone_and_a_short_empty_or_missing_one_reads_what_it_has()
    {
        var key = NewKey("photo.jpg");
        var bytes = RandomNumberGenerator.GetBytes(200_000);
        await Store.PutAsync(key, new MemoryStream(bytes), bytes.Length, "image/jpeg");
        var buffer = new byte[1000];
        Assert.Equal(1000, await Store.ReadStartAsync(key, buffer));
        Assert.Equal(bytes.AsSpan(0, 1000).ToArray(), buffer);

        var shortKey = NewKey("short.png");
        await Store.PutAsync(shortKey, new MemoryStream([1, 2, 3]), 3, "image/png");
        Assert.Equal(3, await Store.ReadStartAsync(shortKey, buffer));
        Assert.Equal(new byte[] { 1, 2, 3 }, buffer.AsSpan(0, 3).ToArray());

        var emptyKey = NewKey("empty.png");
        await Store.PutAsync(emptyKey, new MemoryStream([]), 0, "image/png");
        Assert.Equal(0, await Store.ReadStartAsync(emptyKey, buffer));
        Assert.Equal(0, await Store.ReadStartAsync(NewKey(), buffer));
    }

    [Fact]
    public async Task A_missing_object_has_no_size()
    {
        Assert.Null(await Store.GetSizeAsync(NewKey()));
    }

    [Fact]
    public async Task An_empty_file_round_trips()
    {
        var key = NewKey("empty.txt");
        var upload = Resolve(await Store.GetUploadUrlAsync(key, "text/plain", 0, DateTimeOffset.UtcNow.AddMinutes(5)));
        using var content = new ByteArrayContent([]);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using var put = await Http.PutAsync(upload, content);
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        Assert.Equal(0, await Store.GetSizeAsync(key));
    }

    [Fact]
    public async Task Keys_of_other_objects_are_untouched_by_a_delete()
    {
        var keep = NewKey("keep.bin");
        var drop = keep[..keep.LastIndexOf('/')] + "/drop.bin";
        await Store.PutAsync(keep, new MemoryStream([1, 2, 3]), 3, "application/octet-stream");
        await Store.PutAsync(drop, new MemoryStream([4, 5]), 2, "application/octet-stream");
        await Store.DeleteAsync(drop);
        Assert.Equal(3, await Store.GetSizeAsync(keep));
        Assert.Null(await Store.GetSizeAsync(drop));
    }
}
