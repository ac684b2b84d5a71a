using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Tanager.Tests.Fuzz;

/// <summary>
/// What the REST fuzzer aims at: real ids of every kind a route names, and the credentials it sends. Built over HTTP
/// like a client would, and built again when the fuzzing has used it up (its token refused, or after a number of cases).
/// </summary>
/// <remarks>
/// The fuzzing user ("Fuzz") is a server administrator, so the admin routes run their real logic. Routes that would end
/// its own session (logout, signing out other sessions, a password change) are sent as a throwaway user instead, and
/// protected ids (Fuzz's and the first administrator's) are never deactivated or demoted: the run needs a working token.
/// </remarks>
internal sealed class RestWorld
{
    public const string Password = "correct horse battery";

    public required string Token { get; init; }
    public required string UserId { get; init; }
    public required string Email { get; init; }
    public required string SessionId { get; init; }
    public required string BotToken { get; init; }
    public required string ApiKey { get; init; }
    /// <summary>Ids by kind: "workspace", "channel", "message", "user", "invite", "code", "invitation", "session", "bot", "token", "attachment", "apikey".</summary>
    public required IReadOnlyDictionary<string, string[]> Ids { get; init; }
    public required string[] Emails { get; init; }
    /// <summary>Path and query of a real signed upload URL of the local-disk file store.</summary>
    public required string UploadUrl { get; init; }
    /// <summary>Ids no fuzzed request may deactivate or demote.</summary>
    public required HashSet<string> Protected { get; init; }

    public string[] Pool(string kind) => Ids.TryGetValue(kind, out var ids) ? ids : [];

    public static async Task<RestWorld> CreateAsync(HttpClient http, Uri server, string? adminToken)
    {
        var api = new Api(http, server);
        var (token, me, email) = await api.RegisterAsync("fuzz");
        if (adminToken is not null)
        {
            await api.SendAsync(HttpMethod.Put, $"admin/users/{me}/server-admin", null, adminToken);
        }
        var session = (await api.SendAsync(HttpMethod.Get, "auth/sessions", null, token))[0].GetProperty("id").GetString()!;
        var (miaToken, mia, miaEmail) = await api.RegisterAsync("mia");
        var (bobToken, bob, bobEmail) = await api.RegisterAsync("bob");
        var (_, outsider, outsiderEmail) = await api.RegisterAsync("outsider");
        // A second session of Fuzz, which a fuzzed DELETE /auth/sessions/{id} may end.
        var second = (await api.SendAsync(HttpMethod.Post, "auth/login", $$"""{"email":"{{email}}","password":"{{Password}}"}""", null)).GetProperty("token").GetString()!;
        var secondSession = (await api.SendAsync(HttpMethod.Get, "auth/sessions", null, second)).EnumerateArray().Select(s => s.GetProperty("id").GetString()!).First(id => id != session);

        var ws = await api.IdAsync("workspaces", """{"name":"Fuzzed"}""", token);
        var general = await api.IdAsync($"workspaces/{ws}/channels", """{"name":"general"}""", token);
        var secret = await api.IdAsync($"workspaces/{ws}/channels", """{"name":"secret","kind":"private"}""", token);
        var archived = await api.IdAsync($"workspaces/{ws}/channels", """{"name":"old"}""", token);
        await api.SendAsync(HttpMethod.Post, $"workspaces/{ws}/channels/{archived}/archive", null, token);
        foreach (var member in new[] { mia, bob })
        {
            await api.SendAsync(HttpMethod.Post, $"workspaces/{ws}/members", $$"""{"user_id":"{{member}}","role":"member"}""", token);
        }
        await api.SendAsync(HttpMethod.Post, $"workspaces/{ws}/channels/{general}/join", null, miaToken);
        var dm = await api.IdAsync($"workspaces/{ws}/dms", $$"""{"user_ids":["{{mia}}"]}""", token);
        var root = await api.IdAsync($"workspaces/{ws}/channels/{general}/messages", """{"content":"hello @everyone"}""", token);
        var reply = await api.IdAsync($"workspaces/{ws}/channels/{general}/messages", $$"""{"content":"a reply","thread_id":"{{root}}"}""", miaToken);
        var secretMessage = await api.IdAsync($"workspaces/{ws}/channels/{secret}/messages", """{"content":"hush"}""", token);
        await api.SendAsync(HttpMethod.Put, $"workspaces/{ws}/channels/{general}/messages/{root}/reactions/{Uri.EscapeDataString("👍")}", null, token);
        var slot = await api.SendAsync(HttpMethod.Post, $"workspaces/{ws}/channels/{general}/attachments", """{"file_name":"a.txt","content_type":"text/plain","size":3}""", token);
        var attachment = slot.GetProperty("attachment").GetProperty("id").GetString()!;
        var uploadUrl = new Uri(slot.GetProperty("upload_url").GetString()!);
        using (var upload = new ByteArrayContent("abc"u8.ToArray()))
        {
            upload.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
            using var put = await http.PutAsync(uploadUrl, upload);
            put.EnsureSuccessStatusCode();
        }
        var posted = await api.IdAsync($"workspaces/{ws}/channels/{general}/messages", $$"""{"content":"file","attachment_ids":["{{attachment}}"]}""", token);
        var spare = (await api.SendAsync(HttpMethod.Post, $"workspaces/{ws}/channels/{general}/attachments", """{"file_name":"b.png","content_type":"image/png","size":10}""", token));
        var invite = await api.SendAsync(HttpMethod.Post, $"workspaces/{ws}/invites", """{"role":"member"}""", token);

        // Bob's workspace, which Fuzz is not in, with an invitation for Fuzz and one for the outsider.
        var bobWs = await api.IdAsync("workspaces", """{"name":"Bob's"}""", bobToken);
        var bobChannel = await api.IdAsync($"workspaces/{bobWs}/channels", """{"name":"bobs"}""", bobToken);
        var bobMessage = await api.IdAsync($"workspaces/{bobWs}/channels/{bobChannel}/messages", """{"content":"bob's"}""", bobToken);
        await api.SendAsync(HttpMethod.Post, $"workspaces/{bobWs}/members", $$"""{"email":"{{email}}"}""", bobToken);
        await api.SendAsync(HttpMethod.Post, $"workspaces/{bobWs}/members", $$"""{"email":"{{outsiderEmail}}"}""", bobToken);
        var invitation = (await api.SendAsync(HttpMethod.Get, "invitations", null, token))[0].GetProperty("id").GetString()!;
        var bobInvite = await api.SendAsync(HttpMethod.Post, $"workspaces/{bobWs}/invites", """{"role":"guest"}""", bobToken);

        var created = await api.SendAsync(HttpMethod.Post, $"workspaces/{ws}/bots", """{"name":"Fuzz bot"}""", token);
        var bot = created.GetProperty("user").GetProperty("id").GetString()!;
        var botToken = created.GetProperty("token").GetProperty("token").GetString()!;
        var botTokenId = created.GetProperty("token").GetProperty("id").GetString()!;
        await api.SendAsync(HttpMethod.Post, $"workspaces/{ws}/channels/{general}/join", null, botToken);
        var key = await api.SendAsync(HttpMethod.Post, "admin/api-keys", """{"name":"fuzz"}""", token);

        return new RestWorld
        {
            Token = token,
            UserId = me,
            Email = email,
            SessionId = session,
            BotToken = botToken,
            ApiKey = key.GetProperty("token").GetString()!,
            Ids = new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                ["workspace"] = [ws, bobWs],
                ["channel"] = [general, secret, archived, dm, bobChannel],
                ["message"] = [root, reply, secretMessage, posted, bobMessage],
                ["user"] = [me, mia, bob, outsider, bot],
                ["invite"] = [invite.GetProperty("id").GetString()!, bobInvite.GetProperty("id").GetString()!],
                ["code"] = [invite.GetProperty("code").GetString()!, bobInvite.GetProperty("code").GetString()!],
                ["invitation"] = [invitation],
                ["session"] = [secondSession],
                ["bot"] = [bot],
                ["token"] = [botTokenId],
                ["attachment"] = [attachment, spare.GetProperty("attachment").GetProperty("id").GetString()!],
                ["apikey"] = [key.GetProperty("id").GetString()!],
            },
            Emails = [email, miaEmail, bobEmail, outsiderEmail],
            UploadUrl = uploadUrl.PathAndQuery,
            Protected = [me, session],
        };
    }

    /// <summary>A throwaway user for the routes that end their caller's session or change its password.</summary>
    public static async Task<string> RegisterThrowawayAsync(HttpClient http, Uri server) => (await new Api(http, server).RegisterAsync("throwaway")).Token;

    private sealed class Api(HttpClient http, Uri server)
    {
        public async Task<JsonElement> SendAsync(HttpMethod method, string path, string? body, string? token)
        {
            try
            {
                return await SendOnceAsync(method, path, body, token);
            }
            catch (HttpRequestException)
            {
                // A kept-alive connection the server closed after a fuzzed request it did not read to the end.
                return await SendOnceAsync(method, path, body, token);
            }
        }

        private async Task<JsonElement> SendOnceAsync(HttpMethod method, string path, string? body, string? token)
        {
            using var request = new HttpRequestMessage(method, new Uri(server, "api/v1/" + path));
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Building the fuzz world: {method} {path} answered {(int)response.StatusCode} {text}");
            }
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }

        public async Task<string> IdAsync(string path, string body, string token) =>
            (await SendAsync(HttpMethod.Post, path, body, token)).GetProperty("id").GetString()!;

        public async Task<(string Token, string Id, string Email)> RegisterAsync(string who)
        {
            var email = $"{who}-{Guid.NewGuid():N}@example.test";
            var session = await SendAsync(HttpMethod.Post, "auth/register", $$"""{"email":"{{email}}","password":"{{Password}}","display_name":"{{who}}"}""", null);
            return (session.GetProperty("token").GetString()!, session.GetProperty("user").GetProperty("id").GetString()!, email);
        }
    }
}
