using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Tanager.AspNetCore.Internal.OpenApi;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

/// <summary>
/// Upload slots and download links (authenticated), and the signed URLs that <see cref="LocalDiskFileStore"/> serves
/// (authorised by their signature alone, like a presigned S3 URL).
/// </summary>
internal static class FileEndpoints
{
    /// <summary>Served files never become a page of Tanager's origin: no scripts, no plugins, no framing, a sandbox.</summary>
    private const string DownloadPolicy = "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'none'";

    public static void Map(RouteGroupBuilder authenticated, string prefix, RequestThrottle throttle)
    {
        authenticated.MapPost("/workspaces/{workspaceId}/channels/{channelId}/attachments", async (string workspaceId, string channelId, HttpContext context, AttachmentService attachments) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.CreateUploadRequest);
            var slot = await attachments.CreateUploadAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"),
                body.FileName, body.ContentType, body.Size, context.RequestAborted);
            var dto = new UploadSlotDto
            {
                Attachment = slot.Attachment.ToDto(),
                UploadUrl = Absolute(context.Request, prefix, slot.UploadUrl),
                UploadMethod = "PUT",
                UploadHeaders = new Dictionary<string, string> { ["content-type"] = slot.Attachment.ContentType },
                ExpiresAt = slot.ExpiresAt,
            };
            return TypedResults.Json(dto, TanagerJsonContext.Default.UploadSlotDto, statusCode: StatusCodes.Status201Created);
        }).AddEndpointFilter(throttle.UploadFilter)
            .Describe("createUpload", "Upload a file", "Answers an upload slot: send the file's bytes to its URL with its method and headers before it expires, then post a message with the attachment's id.").Body<CreateUploadRequest>().Produces<UploadSlotDto>(StatusCodes.Status201Created);

        authenticated.MapGet("/workspaces/{workspaceId}/attachments/{attachmentId}/download", async (string workspaceId, string attachmentId, HttpContext context, AttachmentService attachments) =>
        {
            var link = await attachments.GetDownloadLinkAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(attachmentId, "Attachment"), context.RequestAborted);
            return TypedResults.Json(new DownloadUrlDto { Url = Absolute(context.Request, prefix, link.Url), ExpiresAt = link.ExpiresAt }, TanagerJsonContext.Default.DownloadUrlDto);
        })
            .Describe("getDownloadUrl", "Download a file", "A short-lived URL to the file.").Produces<DownloadUrlDto>();

        authenticated.MapGet("/workspaces/{workspaceId}/attachments/{attachmentId}/thumbnail", async (string workspaceId, string attachmentId, HttpContext context, AttachmentService attachments) =>
        {
            var link = await attachments.GetThumbnailLinkAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), Ids.Parse(attachmentId, "Attachment"), context.RequestAborted);
            return TypedResults.Json(new DownloadUrlDto { Url = Absolute(context.Request, prefix, link.Url), ExpiresAt = link.ExpiresAt }, TanagerJsonContext.Default.DownloadUrlDto);
        })
            .Describe("getThumbnailUrl", "An image's thumbnail", "A short-lived URL to the image's thumbnail.").Produces<DownloadUrlDto>();
    }

    /// <summary>The URLs of local-disk files: <c>PUT</c> to upload, <c>GET</c> to download. With another file store they do not exist (404).</summary>
    public static void MapSignedFiles(RouteGroupBuilder api)
    {
        api.MapPut("/files/{**key}", async (string key, HttpContext context, AttachmentService attachments) =>
        {
            var request = SignedRequest(context.Request, key);
            // Exactly the signed size may come, and no more: Kestrel's limit (30 MB, and ProblemFilter's 64 KiB) is replaced by it.
            // The size is not verified yet (the signature is checked as the upload is received): one byte more than
            // long.MaxValue would overflow to a negative limit, which Kestrel refuses with an exception (a 500).
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = request.Size == long.MaxValue ? long.MaxValue : request.Size + 1;
            }
            await attachments.ReceiveSignedUploadAsync(request, context.Request.ContentType, context.Request.ContentLength, context.Request.Body, context.RequestAborted);
            return Results.Ok();
        })
            .Describe("putSignedFile", "Upload to a signed URL", "The upload URL of a slot, with the local-disk file store only: authorised by its signature, no bearer token. The body is the file, of exactly the signed size, with the signed type as its Content-Type.")
            .Query("expires", QueryType.Integer, "Part of the signed URL.", required: true).Query("size", QueryType.Integer, "Part of the signed URL.", required: true)
            .Query("type", QueryType.String, "Part of the signed URL.", required: true).Query("sig", QueryType.String, "Part of the signed URL.", required: true)
            .BinaryBody().Empty(StatusCodes.Status200OK);

        api.MapGet("/files/{**key}", async (string key, HttpContext context, AttachmentService attachments) =>
        {
            var request = SignedRequest(context.Request, key);
            await using var content = await attachments.OpenSignedDownloadAsync(request, context.RequestAborted);
            var response = context.Response;
            response.ContentType = request.ContentType;
            response.ContentLength = content.Length;
            response.Headers["Content-Disposition"] = request.ContentDisposition;
            response.Headers["X-Content-Type-Options"] = "nosniff";
            response.Headers["Content-Security-Policy"] = DownloadPolicy;
            response.Headers["Cache-Control"] = "private, max-age=300";
            await content.CopyToAsync(response.Body, context.RequestAborted);
            return Results.Empty;
        })
            .Describe("getSignedFile", "Download from a signed URL", "A download URL, with the local-disk file store only: authorised by its signature, no bearer token.")
            .Query("expires", QueryType.Integer, "Part of the signed URL.", required: true).Query("size", QueryType.Integer, "Part of the signed URL.", required: true)
            .Query("type", QueryType.String, "Part of the signed URL.", required: true).Query("disposition", QueryType.String, "Part of the signed URL.")
            .Query("sig", QueryType.String, "Part of the signed URL.", required: true)
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/octet-stream");
    }

    private static LocalFileRequest SignedRequest(HttpRequest request, string key)
    {
        var query = request.Query;
        string? One(string name) => query[name] is { Count: 1 } value ? value[0] : null;
        if (!long.TryParse(One("expires"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var expires)
            || !long.TryParse(One("size"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size)
            || One("type") is not { } type || One("sig") is not { } signature)
        {
            throw new TanagerException(TanagerErrorKind.Forbidden, ErrorCodes.InvalidSignature, "This is not a complete signed file URL (expires, size, type and sig are required).");
        }
        return new LocalFileRequest(key, expires, size, type, One("disposition") ?? "", signature);
    }

    /// <summary>A store's URL as the client uses it: relative ones (local disk) are under this server's API root.</summary>
    private static string Absolute(HttpRequest request, string prefix, Uri url) =>
        url.IsAbsoluteUri ? url.AbsoluteUri : new Uri(new Uri($"{request.Scheme}://{request.Host}{request.PathBase}{prefix}/api/v1/"), url).AbsoluteUri;
}
