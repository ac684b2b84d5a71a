using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tanager.Protocol;

namespace Tanager.Tests.Files;

/// <summary>The files API over plain HTTP, for tests that look at status codes, problem documents and headers.</summary>
internal sealed class FileApi(Uri server, string token)
{
    private static readonly HttpClient Http = new();

    public Task<HttpResponseMessage> RequestUploadAsync(string workspaceId, string channelId, string fileName, string contentType, long size) =>
        SendAsync(HttpMethod.Post, $"workspaces/{workspaceId}/channels/{channelId}/attachments",
            JsonContent.Create(new CreateUploadRequest { FileName = fileName, ContentType = contentType, Size = size }, TanagerJsonContext.Default.CreateUploadRequest));

    public async Task<UploadSlotDto> UploadSlotAsync(string workspaceId, string channelId, string fileName, string contentType, long size)
    {
        using var response = await RequestUploadAsync(workspaceId, channelId, fileName, contentType, size);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync(TanagerJsonContext.Default.UploadSlotDto))!;
    }

    /// <summary>PUTs <paramref name="bytes"/> to a slot's URL the way any HTTP client would: no token.</summary>
    public static async Task<HttpResponseMessage> PutAsync(string url, byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await Http.PutAsync(url, content);
    }

    public Task<HttpResponseMessage> PostMessageAsync(string workspaceId, string channelId, string content, params string[] attachmentIds) =>
        SendAsync(HttpMethod.Post, $"workspaces/{workspaceId}/channels/{channelId}/messages",
            JsonContent.Create(new PostMessageRequest { Content = content, AttachmentIds = attachmentIds }, TanagerJsonContext.Default.PostMessageRequest));

    public Task<HttpResponseMessage> DownloadLinkAsync(string workspaceId, string attachmentId) =>
        SendAsync(HttpMethod.Get, $"workspaces/{workspaceId}/attachments/{attachmentId}/download", null);

    public Task<HttpResponseMessage> ThumbnailLinkAsync(string workspaceId, string attachmentId) =>
        SendAsync(HttpMethod.Get, $"workspaces/{workspaceId}/attachments/{attachmentId}/thumbnail", null);

    public static Task<HttpResponseMessage> GetAsync(string url) => Http.GetAsync(url);

    /// <summary>Asserts a problem document with this status and code, and returns its detail.</summary>
    public static async Task<string> AssertProblemAsync(HttpResponseMessage response, int status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(code, json.RootElement.GetProperty("code").GetString());
        var detail = json.RootElement.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail));
        return detail!;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, new Uri(server, "api/v1/" + path)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Http.SendAsync(request);
    }
}
