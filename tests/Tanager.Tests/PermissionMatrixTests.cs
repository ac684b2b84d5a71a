using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// Issue 4, Done-when #2: every role × every action of docs/permissions.md, performed over REST against the real server,
/// must be allowed or refused exactly as the document says.
/// </summary>
public sealed partial class PermissionMatrixTests(PermissionMatrixTests.Server server) : IClassFixture<PermissionMatrixTests.Server>
{
    public static readonly string[] Roles = ["owner", "admin", "member", "guest"];

    /// <summary>Rows of the document that cannot be performed yet, and why. Everything else must have an action below.</summary>
    private static readonly Dictionary<string, string> Pending = new(StringComparer.Ordinal);

    /// <summary>How each documented action is performed: one HTTP request as the actor, in a fresh scene.</summary>
    private static readonly Dictionary<string, Func<Scene, Request>> Actions = new(StringComparer.Ordinal)
    {
        ["view_public_channel"] = s => new(HttpMethod.Get, $"{s.Ws}/channels/{s.Lobby}"),
        ["join_public_channel"] = s => new(HttpMethod.Post, $"{s.Ws}/channels/{s.Lobby}/join"),
        ["create_channel"] = s => new(HttpMethod.Post, $"{s.Ws}/channels", """{"name":"created"}"""),
        ["create_private_channel"] = s => new(HttpMethod.Post, $"{s.Ws}/channels", """{"name":"hidden","kind":"private"}"""),
        ["read_history"] = s => new(HttpMethod.Get, $"{s.Ws}/channels/{s.General}/messages"),
        ["search"] = s => new(HttpMethod.Get, $"{s.Ws}/search?q=hello"),
        ["post_message"] = s => new(HttpMethod.Post, $"{s.Ws}/channels/{s.General}/messages", """{"content":"hi"}"""),
        ["edit_own_message"] = s => new(HttpMethod.Patch, $"{s.Ws}/channels/{s.General}/messages/{s.OwnMessage}", """{"content":"edited"}"""),
        ["edit_others_message"] = s => new(HttpMethod.Patch, $"{s.Ws}/channels/{s.General}/messages/{s.VictimMessage}", """{"content":"edited"}"""),
        ["delete_own_message"] = s => new(HttpMethod.Delete, $"{s.Ws}/channels/{s.General}/messages/{s.OwnMessage}"),
        ["delete_others_message"] = s => new(HttpMethod.Delete, $"{s.Ws}/channels/{s.General}/messages/{s.VictimMessage}"),
        ["pin_message"] = s => new(HttpMethod.Put, $"{s.Ws}/channels/{s.General}/messages/{s.VictimMessage}/pin"),
        ["mention_everyone"] = s => new(HttpMethod.Post, $"{s.Ws}/channels/{s.General}/messages", """{"content":"<!channel> standup in five"}"""),
        ["add_reaction"] = s => new(HttpMethod.Put, $"{s.Ws}/channels/{s.General}/messages/{s.VictimMessage}/reactions/{Uri.EscapeDataString("👍")}"),
        ["list_channel_members"] = s => new(HttpMethod.Get, $"{s.Ws}/channels/{s.General}/members"),
        ["add_channel_member"] = s => new(HttpMethod.Post, $"{s.Ws}/channels/{s.General}/members", $$"""{"user_id":"{{s.Newbie}}"}"""),
        ["kick_channel_member"] = s => new(HttpMethod.Delete, $"{s.Ws}/channels/{s.General}/members/{s.Victim}"),
        ["update_channel"] = s => new(HttpMethod.Patch, $"{s.Ws}/channels/{s.General}", """{"name":"renamed","topic":"new topic"}"""),
        ["archive_channel"] = s => new(HttpMethod.Post, $"{s.Ws}/channels/{s.General}/archive"),
        ["update_own_channel"] = s => new(HttpMethod.Patch, $"{s.Ws}/channels/{s.Mine}", """{"name":"renamed-mine","topic":"new topic","description":"mine"}"""),
        ["archive_own_channel"] = s => new(HttpMethod.Post, $"{s.Ws}/channels/{s.Mine}/archive"),
        ["unarchive_own_channel"] = s => new(HttpMethod.Post, $"{s.Ws}/channels/{s.MineArchived}/unarchive"),
        ["delete_own_channel"] = s => new(HttpMethod.Delete, $"{s.Ws}/channels/{s.Mine}"),
        ["set_own_channel_override"] = s => new(HttpMethod.Put, $"{s.Ws}/channels/{s.Mine}/overrides/member", """{"deny":["send_messages"]}"""),
        ["delete_channel"] = s => new(HttpMethod.Delete, $"{s.Ws}/channels/{s.General}"),
        ["set_channel_override"] = s => new(HttpMethod.Put, $"{s.Ws}/channels/{s.General}/overrides/member", """{"deny":["send_messages"]}"""),
        ["list_workspace_members"] = s => new(HttpMethod.Get, $"{s.Ws}/members"),
        ["view_member_profile"] = s => new(HttpMethod.Get, $"{s.Ws}/members/{s.Victim}"),
        ["update_own_profile"] = s => new(HttpMethod.Patch, "users/me", """{"status_text":"busy"}"""),
        ["add_workspace_member"] = s => new(HttpMethod.Post, $"{s.Ws}/members", $$"""{"email":"{{s.OutsiderEmail}}","role":"member"}"""),
        ["create_invite"] = s => new(HttpMethod.Post, $"{s.Ws}/invites", """{"role":"member"}"""),
        ["list_invites"] = s => new(HttpMethod.Get, $"{s.Ws}/invites"),
        ["revoke_invite"] = s => new(HttpMethod.Delete, $"{s.Ws}/invites/{s.Invite}"),
        ["change_member_role"] = s => new(HttpMethod.Patch, $"{s.Ws}/members/{s.Victim}", """{"role":"guest"}"""),
        ["remove_member"] = s => new(HttpMethod.Delete, $"{s.Ws}/members/{s.Victim}"),
        ["rename_workspace"] = s => new(HttpMethod.Patch, s.Ws, """{"name":"Renamed"}"""),
        ["transfer_ownership"] = s => new(HttpMethod.Post, $"{s.Ws}/transfer", $$"""{"user_id":"{{s.Victim}}"}"""),
        ["leave_workspace"] = s => new(HttpMethod.Post, $"{s.Ws}/leave"),
        ["list_slash_commands"] = s => new(HttpMethod.Get, $"{s.Ws}/commands"),
        ["invoke_slash_command"] = s => new(HttpMethod.Post, $"{s.Ws}/channels/{s.General}/commands", """{"command":"ping","args":"now"}"""),
        ["delete_others_slash_command"] = s => new(HttpMethod.Delete, $"{s.Ws}/commands/ping"),
        ["create_subscription"] = s => new(HttpMethod.Post, $"{s.Ws}/subscriptions", """{"url":"https://hooks.example.test/permissions","events":["MESSAGE_CREATE"]}"""),
        ["list_subscriptions"] = s => new(HttpMethod.Get, $"{s.Ws}/subscriptions"),
        ["delete_others_subscription"] = s => new(HttpMethod.Delete, $"{s.Ws}/subscriptions/{s.Subscription}"),
        ["list_dead_letters"] = s => new(HttpMethod.Get, $"{s.Ws}/subscriptions/{s.Subscription}/dead-letters"),
        ["replay_dead_letters"] = s => new(HttpMethod.Post, $"{s.Ws}/subscriptions/{s.Subscription}/dead-letters/replay", "{}"),
    };

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var row in Document().Where(r => !Pending.ContainsKey(r.Key)))
        {
            foreach (var role in Roles)
            {
                data.Add(row.Key, role, row.Expected[role]);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_role_may_do_exactly_what_docs_permissions_md_says(string action, string role, string expected)
    {
        Assert.True(Actions.TryGetValue(action, out var perform), $"docs/permissions.md lists '{action}', which the test does not know how to perform.");
        var scene = await server.SceneAsync(role);

        var status = await server.SendAsync(perform(scene), scene.ActorToken);

        switch (expected)
        {
            case "✓":
                Assert.True((int)status is >= 200 and < 300, $"{role} should be allowed to {action}, got {(int)status}.");
                break;
            case "✗":
                Assert.True(status == HttpStatusCode.Forbidden, $"{role} should get 403 for {action}, got {(int)status}.");
                break;
            case "✗ (404)":
                Assert.True(status == HttpStatusCode.NotFound, $"{role} should get 404 for {action}, got {(int)status}.");
                break;
            default:
                Assert.Fail($"Unknown cell '{expected}' for {action}/{role} in docs/permissions.md.");
                break;
        }
    }

    [Fact]
    public void Every_documented_action_is_tested_or_explicitly_pending_and_every_role_has_a_cell()
    {
        var rows = Document();
        Assert.True(rows.Count >= 30, "the matrix covers every action of the product");
        Assert.Equal(rows.Count, rows.Select(r => r.Key).Distinct().Count());
        Assert.All(rows, r => Assert.True(Actions.ContainsKey(r.Key) || Pending.ContainsKey(r.Key), $"'{r.Key}' is neither performed nor pending."));
        Assert.All(Actions.Keys, key => Assert.Contains(rows, r => r.Key == key));
        Assert.All(Pending.Keys, key => Assert.Contains(rows, r => r.Key == key));
        Assert.Empty(Pending.Keys);
    }

    private sealed record Row(string Key, IReadOnlyDictionary<string, string> Expected);

    [GeneratedRegex(@"^\|\s*(?<action>[^|]+?)\s*\|\s*`(?<key>[a-z_]+)`\s*\|(?<cells>.*)\|\s*$")]
    private static partial Regex RowPattern();

    /// <summary>The rows between the permission-matrix markers of docs/permissions.md.</summary>
    private static List<Row> Document()
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, "docs", "permissions.md"));
        var start = Array.IndexOf(lines, "<!-- permission-matrix:start -->");
        var end = Array.IndexOf(lines, "<!-- permission-matrix:end -->");
        Assert.True(start >= 0 && end > start, "docs/permissions.md must keep the permission-matrix markers.");
        var header = lines[start + 1].Split('|', StringSplitOptions.TrimEntries)[3..^1];
        Assert.Equal(Roles, header);
        var rows = new List<Row>();
        foreach (var line in lines[(start + 3)..end])
        {
            var match = RowPattern().Match(line);
            Assert.True(match.Success, $"Not a matrix row: {line}");
            var cells = match.Groups["cells"].Value.Split('|', StringSplitOptions.TrimEntries);
            Assert.Equal(Roles.Length, cells.Length);
            rows.Add(new Row(match.Groups["key"].Value, Roles.Zip(cells).ToDictionary(p => p.First, p => p.Second)));
        }
        return rows;
    }

    public sealed record Request(HttpMethod Method, string Path, string? Body = null);

    /// <summary>
    /// A fresh workspace per action: the actor in its role; "general", a public channel the actor and a plain member (the
    /// victim) are in, with a message by each; "lobby", a public channel the actor is not in; "newbie", a member in no
    /// channel; an outsider who has an account; an invite; "mine" and "mine-archived", public channels the actor created
    /// (a guest actor created them as a member, before the owner made them a guest: guests cannot create channels); the
    /// owner's bot, connected to the gateway, answering the slash command /ping; the owner's outgoing webhook.
    /// </summary>
    public sealed record Scene(string Ws, string General, string Lobby, string ActorToken, string Victim, string VictimMessage, string OwnMessage, string Newbie, string OutsiderEmail, string Invite,
        string Mine, string MineArchived, string Subscription);

    public sealed class Server : IAsyncLifetime
    {
        private readonly HttpClient _http = new();
        private readonly List<RawGatewayClient> _bots = [];
        private TestServer _server = null!;
        private int _users;

        public async Task InitializeAsync() => _server = await TestServer.StartAsync();

        public async Task DisposeAsync()
        {
            foreach (var bot in _bots)
            {
                await bot.DisposeAsync();
            }
            _http.Dispose();
            await _server.DisposeAsync();
        }

        public async Task<Scene> SceneAsync(string role)
        {
            var (owner, _) = await RegisterAsync();
            var ws = "workspaces/" + await CreateAsync("workspaces", """{"name":"Matrix"}""", owner);
            var general = await CreateAsync($"{ws}/channels", """{"name":"general"}""", owner);
            var lobby = await CreateAsync($"{ws}/channels", """{"name":"lobby"}""", owner);
            var (victimToken, victim) = await RegisterAsync();
            var (_, newbie) = await RegisterAsync();
            var (_, outsider) = await RegisterAsync();
            await AddAsync(ws, victim, "member", owner);
            await AddAsync(ws, newbie, "member", owner);
            await CheckAsync(new(HttpMethod.Post, $"{ws}/channels/{general}/members", $$"""{"user_id":"{{victim.Id}}"}"""), owner);
            var actorToken = owner;
            string mine, mineArchived;
            if (role != "owner")
            {
                var (token, actor) = await RegisterAsync();
                await AddAsync(ws, actor, role == "guest" ? "member" : role, owner);
                await CheckAsync(new(HttpMethod.Post, $"{ws}/channels/{general}/members", $$"""{"user_id":"{{actor.Id}}"}"""), owner);
                actorToken = token;
                mine = await CreateAsync($"{ws}/channels", """{"name":"mine"}""", actorToken);
                mineArchived = await CreateAsync($"{ws}/channels", """{"name":"mine-archived"}""", actorToken);
                if (role == "guest")
                {
                    await CheckAsync(new(HttpMethod.Patch, $"{ws}/members/{actor.Id}", """{"role":"guest"}"""), owner);
                }
            }
            else
            {
                mine = await CreateAsync($"{ws}/channels", """{"name":"mine"}""", owner);
                mineArchived = await CreateAsync($"{ws}/channels", """{"name":"mine-archived"}""", owner);
            }
            await CheckAsync(new(HttpMethod.Post, $"{ws}/channels/{mineArchived}/archive"), owner);
            var victimMessage = await CreateAsync($"{ws}/channels/{general}/messages", """{"content":"hello from the victim"}""", victimToken);
            var ownMessage = await CreateAsync($"{ws}/channels/{general}/messages", """{"content":"hello from the actor"}""", actorToken);
            // The owner's bot answers /ping and is connected, so that invoking it can succeed.
            var bot = await CheckAsync(new(HttpMethod.Post, $"{ws}/bots", """{"name":"Ping bot"}"""), owner);
            var botId = bot.GetProperty("user").GetProperty("id").GetString();
            await CheckAsync(new(HttpMethod.Put, $"{ws}/commands/ping", $$"""{"description":"Answers pong","bot_id":"{{botId}}"}"""), owner);
            var gateway = await RawGatewayClient.ConnectAsync(_server.Url);
            lock (_bots)
            {
                _bots.Add(gateway);
            }
            await gateway.IdentifyAsync(bot.GetProperty("token").GetProperty("token").GetString()!).Within();
            var invite = await CreateAsync($"{ws}/invites", """{"role":"member"}""", owner);
            var subscription = await CreateAsync($"{ws}/subscriptions", """{"url":"https://hooks.example.test/owner","events":["MESSAGE_CREATE"]}""", owner);
            return new Scene(ws, general, lobby, actorToken, victim.Id, victimMessage, ownMessage, newbie.Id, outsider.Email, invite, mine, mineArchived, subscription);
        }

        public async Task<HttpStatusCode> SendAsync(Request request, string token)
        {
            using var response = await SendRawAsync(request, token);
            return response.StatusCode;
        }

        private async Task<HttpResponseMessage> SendRawAsync(Request request, string token)
        {
            using var message = new HttpRequestMessage(request.Method, new Uri(_server.Url, "api/v1/" + request.Path));
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (request.Body is not null)
            {
                message.Content = new StringContent(request.Body, Encoding.UTF8, "application/json");
            }
            return await _http.SendAsync(message);
        }

        private async Task<JsonElement> CheckAsync(Request request, string token)
        {
            using var response = await SendRawAsync(request, token);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"Setting up the scene: {request.Method} {request.Path} answered {(int)response.StatusCode} {text}");
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }

        private async Task<string> CreateAsync(string path, string body, string token) =>
            (await CheckAsync(new(HttpMethod.Post, path, body), token)).GetProperty("id").GetString()!;

        /// <summary>A direct add by user_id: the test server allows it (Tanager:AllowDirectMemberAdd); by email it would be an invitation.</summary>
        private Task AddAsync(string ws, (string Id, string Email) user, string role, string ownerToken) =>
            CheckAsync(new(HttpMethod.Post, $"{ws}/members", $$"""{"user_id":"{{user.Id}}","role":"{{role}}"}"""), ownerToken);

        private async Task<(string Token, (string Id, string Email) User)> RegisterAsync()
        {
            var email = $"matrix{Interlocked.Increment(ref _users)}-{Guid.NewGuid():N}@example.test";
            using var response = await _http.PostAsync(new Uri(_server.Url, "api/v1/auth/register"),
                new StringContent($$"""{"email":"{{email}}","password":"correct horse battery","display_name":"Matrix"}""", Encoding.UTF8, "application/json"));
            var session = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return (session.GetProperty("token").GetString()!, (session.GetProperty("user").GetProperty("id").GetString()!, email));
        }
    }
}
