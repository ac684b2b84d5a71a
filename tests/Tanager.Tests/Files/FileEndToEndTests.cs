using System.Net.Http.Json;
using System.Security.Cryptography;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.Files;

/// <summary>
/// Issue 11, Done-when #1: a real <c>tanager serve</c> process, and curl moving the bytes through the signed (local
/// disk) or presigned (S3) URLs: uploaded, posted, downloaded, byte-identical; and a photo's size and thumbnail made by
/// the server's image processor through the same store.
/// </summary>
public sealed class FileEndToEndTests
{
    private static string TanagerDll => Path.Combine(Repository.Root, "Tanager.Server", "bin", Repository.Configuration, "net10.0", "tanager.dll");

    [Fact]
    public async Task A_file_uploaded_and_downloaded_with_curl_through_tanager_serve_on_local_disk_is_byte_identical()
    {
        var data = Directory.CreateTempSubdirectory("tanager-server-").FullName;
        var key = await RoundTripAsync([], data);
        // On local disk, under the data folder, at the documented key.
        Assert.True(File.Exists(Path.Combine(data, "files", "objects", key)), $"No file at {key} under {data}/files/objects");
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task A_file_uploaded_and_downloaded_with_curl_through_tanager_serve_on_an_s3_compatible_server_is_byte_identical()
    {
        var s3 = await (await S3Server.GetSharedAsync()).CreateBucketAsync();
        var data = Directory.CreateTempSubdirectory("tanager-server-").FullName;
        // Through the environment, as a deployment passes the secret key.
        var environment = new Dictionary<string, string>
        {
            ["TANAGER_S3_ENDPOINT"] = s3.Endpoint!.ToString(),
            ["TANAGER_S3_BUCKET"] = s3.Bucket,
            ["TANAGER_S3_ACCESS_KEY"] = s3.AccessKey!,
            ["TANAGER_S3_SECRET_KEY"] = s3.SecretKey!,
        };
        var key = await RoundTripAsync(environment, data);
        using var store = new Tanager.FileStore.S3.S3FileStore(s3);
        Assert.Equal(5_000_000, await store.GetSizeAsync(key));
        // Nothing went to local disk.
        Assert.False(Directory.Exists(Path.Combine(data, "files", "objects")) && Directory.EnumerateFiles(Path.Combine(data, "files", "objects"), "*", SearchOption.AllDirectories).Any());
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Serve_refuses_s3_options_without_a_bucket()
    {
        await using var serve = ChildProcess.Start("dotnet", [TanagerDll, "serve", "--listen", $"http://127.0.0.1:{Ports.Free()}", "--s3-access-key", "key", "--s3-secret-key", "secret"],
            new Dictionary<string, string> { ["TANAGER_S3_BUCKET"] = "" });
        await serve.WaitForExitAsync(60);
        Assert.NotEqual(0, serve.ExitCode);
        Assert.Contains("--s3-bucket", serve.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", serve.Errors, StringComparison.Ordinal);
    }

    /// <summary>Starts tanager serve, uploads 5 MB with curl, posts it, downloads it with curl; returns the object key.</summary>
    private static async Task<string> RoundTripAsync(Dictionary<string, string> environment, string data)
    {
        var port = Ports.Free();
        var url = new Uri($"http://127.0.0.1:{port}/");
        environment["TANAGER_Tanager__PasswordMemoryKiB"] = "64";
        environment["TANAGER_Tanager__PasswordIterations"] = "1";
        await using var serve = ChildProcess.Start("dotnet", [TanagerDll, "serve", "--listen", url.ToString().TrimEnd('/'), "--data-dir", data], environment);
        using var http = new HttpClient();
        Assert.True(await Eventually.UntilAsync(async () =>
        {
            try
            {
                return (await http.GetAsync(new Uri(url, "health"))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, 60), $"tanager serve did not start: {serve.Errors}\n{string.Join('\n', serve.Lines)}");

        await using var ann = await TanagerClient.RegisterAsync(url, $"ann-{Guid.NewGuid():N}@example.test", "correct horse battery", "Ann");
        var workspace = await ann.CreateWorkspaceAsync("Acme");
        var channel = await ann.CreateChannelAsync(workspace.Id, "general");

        var folder = Directory.CreateTempSubdirectory("tanager-curl-").FullName;
        var original = Path.Combine(folder, "report 2026.pdf");
        var bytes = RandomNumberGenerator.GetBytes(5_000_000);
        await File.WriteAllBytesAsync(original, bytes);
        var slotJson = await CurlAsync("-X", "POST", new Uri(url, $"api/v1/workspaces/{workspace.Id}/channels/{channel.Id}/attachments").ToString(),
            "-H", $"authorization: Bearer {ann.Token}", "-H", "content-type: application/json",
            "-d", """{"file_name":"report 2026.pdf","content_type":"application/pdf","size":5000000}""");
        var slot = System.Text.Json.JsonSerializer.Deserialize(slotJson, TanagerJsonContext.Default.UploadSlotDto)!;
        await CurlAsync("-X", "PUT", "--upload-file", original, "-H", "content-type: application/pdf", slot.UploadUrl);

        var posted = await ann.PostMessageAsync(workspace.Id, channel.Id, "the report", [slot.Attachment.Id]);
        Assert.Equal(slot.Attachment.Id, Assert.Single(posted.Attachments!).Id);

        var linkJson = await CurlAsync(new Uri(url, $"api/v1/workspaces/{workspace.Id}/attachments/{slot.Attachment.Id}/download").ToString(), "-H", $"authorization: Bearer {ann.Token}");
        var link = System.Text.Json.JsonSerializer.Deserialize(linkJson, TanagerJsonContext.Default.DownloadUrlDto)!;
        var copy = Path.Combine(folder, "copy.pdf");
        await CurlAsync("-o", copy, link.Url);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(copy));

        // A phone photo: its upright size in the post, then an upright thumbnail without its EXIF, through the same store.
        var photo = TestImages.JpegWithExif(1600, 1200, orientation: 6);
        var image = await ann.UploadAsync(workspace.Id, channel.Id, new MemoryStream(photo), "IMG_0002.jpg", "image/jpeg");
        var shown = Assert.Single((await ann.PostMessageAsync(workspace.Id, channel.Id, "", [image.Id])).Attachments!);
        Assert.Equal((1200, 1600), (shown.Width, shown.Height));
        Assert.True(await Eventually.UntilAsync(async () => (await ann.GetMessagesAsync(workspace.Id, channel.Id)).Messages
            .SelectMany(m => m.Attachments ?? []).Single(a => a.Id == image.Id).Thumbnail is { Width: 540, Height: 720 }), "No thumbnail was made.");
        var thumbnailJson = await CurlAsync(new Uri(url, $"api/v1/workspaces/{workspace.Id}/attachments/{image.Id}/thumbnail").ToString(), "-H", $"authorization: Bearer {ann.Token}");
        var thumbnailLink = System.Text.Json.JsonSerializer.Deserialize(thumbnailJson, TanagerJsonContext.Default.DownloadUrlDto)!;
        var thumbnailCopy = Path.Combine(folder, "thumbnail.webp");
        await CurlAsync("-o", thumbnailCopy, thumbnailLink.Url);
        var webp = await File.ReadAllBytesAsync(thumbnailCopy);
        Assert.True(webp.AsSpan(0, 4).SequenceEqual("RIFF"u8) && webp.AsSpan(8, 4).SequenceEqual("WEBP"u8), "The thumbnail is not a WebP file.");
        Assert.False(TestImages.Contains(webp, "Exif"u8));
        Assert.False(TestImages.Contains(webp, TestImages.LatitudeBytes));
        Directory.Delete(folder, recursive: true);
        return $"{workspace.Id}/{channel.Id}/{slot.Attachment.Id}/report_2026.pdf";
    }

    /// <summary>Runs curl, failing with its output on any HTTP error; returns what it printed.</summary>
    private static async Task<string> CurlAsync(params string[] arguments)
    {
        await using var curl = ChildProcess.Start("curl", ["-sS", "--fail-with-body", .. arguments]);
        await curl.WaitForExitAsync(120);
        var output = string.Join('\n', curl.Lines);
        Assert.True(curl.ExitCode == 0, $"curl {string.Join(' ', arguments)} exited {curl.ExitCode}: {output} {curl.Errors}");
        return output;
    }
}
