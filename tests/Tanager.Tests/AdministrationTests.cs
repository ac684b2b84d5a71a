using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Server;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// Issue 9: server administration (the first account, the admin API, deactivation, the registration policy), API keys
/// for provisioning backends, bots with tokens from REST and from the command line, and how their secrets are stored.
/// </summary>
public sealed class AdministrationTests
{
    private const string Password = "correct horse battery";
    private static string TanagerDll => Path.Combine(Repository.Root, "Tanager.Server", "bin", Repository.Configuration, "net10.0", "tanager.dll");

    [Fact]
    public async Task The_first_account_administers_the_server_and_nobody_else_reaches_the_admin_api()
    {
        await using var server = await TestServer.StartAsync();
        await using var first = await server.NewUserAsync("First");
        await using var second = await server.NewUserAsync("Second");

        Assert.True((await first.GetMeAsync()).IsServerAdmin);
        Assert.False((await second.GetMeAsync()).IsServerAdmin);
        using var http = new HttpClient();
        using var refused = await SendAsync(http, server, second.Token!, HttpMethod.Post, "admin/api-keys", """{"name":"sneaky"}""");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var granted = await SendAsync(http, server, first.Token!, HttpMethod.Put, $"admin/users/{second.User!.Id}/server-admin", null);
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.True((await second.GetMeAsync()).IsServerAdmin);
    }

    [Fact]
    public async Task An_api_key_is_shown_once_stored_as_a_hash_provisions_and_acts_as_users_and_answers_401_once_revoked()
    {
        var settings = await TestServer.SettingsForAsync(TestStorage.Sqlite);
        await using var server = await TestServer.StartAsync(settings);
        await using var admin = await server.NewUserAsync("Admin");
        using var http = new HttpClient();

        using var created = await SendAsync(http, server, admin.Token!, HttpMethod.Post, "admin/api-keys", """{"name":"provisioning backend"}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = (await created.Content.ReadFromJsonAsync(TanagerJsonContext.Default.TokenDto))!;
        Assert.StartsWith("tgk_", key.Token, StringComparison.Ordinal);
        using var listed = await SendAsync(http, server, admin.Token!, HttpMethod.Get, "admin/api-keys", null);
        var listing = await listed.Content.ReadAsStringAsync();
        Assert.Contains(key.Id, listing, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Token!, listing, StringComparison.Ordinal);
        AssertStoredOnlyAsHash(settings.SqlitePath, "api_keys", "key_hash", key.Token!);

        // The backend provisions a user and a workspace for them, acting as them.
        using var provisioned = await SendAsync(http, server, key.Token!, HttpMethod.Post, "admin/users", """{"display_name":"Pat","external_id":"crm-42"}""");
        Assert.Equal(HttpStatusCode.Created, provisioned.StatusCode);
        var pat = (await provisioned.Content.ReadFromJsonAsync(TanagerJsonContext.Default.UserDto))!;
        using var workspace = await SendAsync(http, server, key.Token!, HttpMethod.Post, "workspaces", """{"name":"Pat's team"}""", actAs: pat.Id);
        Assert.Equal(HttpStatusCode.Created, workspace.StatusCode);
        var workspaceDto = (await workspace.Content.ReadFromJsonAsync(TanagerJsonContext.Default.WorkspaceDto))!;
        Assert.Equal(pat.Id, workspaceDto.OwnerId);
        // Outside the admin API a key must say whom it acts as; other credentials may not act as anyone.
        using var noActAs = await SendAsync(http, server, key.Token!, HttpMethod.Get, "workspaces", null);
        Assert.Equal((HttpStatusCode.BadRequest, ErrorCodes.ActAsRequired), (noActAs.StatusCode, await CodeAsync(noActAs)));
        using var impersonation = await SendAsync(http, server, admin.Token!, HttpMethod.Get, "workspaces", null, actAs: pat.Id);
        Assert.Equal(HttpStatusCode.BadRequest, impersonation.StatusCode);
        // A key cannot mint keys.
        using var minted = await SendAsync(http, server, key.Token!, HttpMethod.Post, "admin/api-keys", """{"name":"child"}""");
        Assert.Equal(HttpStatusCode.Forbidden, minted.StatusCode);

        using var revoked = await SendAsync(http, server, admin.Token!, HttpMethod.Delete, $"admin/api-keys/{key.Id}", null);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        using var after = await SendAsync(http, server, key.Token!, HttpMethod.Get, "workspaces", null, actAs: pat.Id);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task A_bot_made_over_rest_shows_as_a_bot_and_its_token_is_stored_as_a_hash_and_answers_401_once_revoked()
    {
        var settings = await TestServer.SettingsForAsync(TestStorage.Sqlite);
        await using var server = await TestServer.StartAsync(settings);
        var room = await ChatRoom.CreateAsync(server, members: 1);

        var bot = await room.Owner.CreateBotAsync(room.Workspace.Id, "Helper", [Scope.MessagesRead, Scope.MessagesWrite]);

        Assert.True(bot.User.IsBot);
        Assert.Equal(room.Owner.User!.Id, bot.User.BotOwnerId);
        Assert.Equal([Scope.MessagesRead, Scope.MessagesWrite], bot.Token!.Scopes);
        AssertStoredOnlyAsHash(settings.SqlitePath, "sessions", "token_hash", bot.Token.Token!);
        var member = Assert.Single(await room.Members[0].ListWorkspaceMembersAsync(room.Workspace.Id), m => m.User.Id == bot.User.Id);
        Assert.True(member.User.IsBot);
        Assert.DoesNotContain(await room.Owner.ListBotTokensAsync(bot.User.Id), t => t.Token is not null);

        await using var botClient = await TanagerClient.FromTokenAsync(server.Url, bot.Token.Token!);
        var hello = await room.PostAsync("hello");
        var refused = await Assert.ThrowsAsync<TanagerApiException>(() => botClient.AddReactionAsync(room.Workspace.Id, room.Channel.Id, hello.Id, "👍"));
        Assert.Equal((403, ErrorCodes.MissingScope), (refused.Status, refused.Code));
        // Somebody else's bot is "not found", and a bot cannot make bots.
        Assert.Equal(404, (await Assert.ThrowsAsync<TanagerApiException>(() => room.Members[0].CreateBotTokenAsync(bot.User.Id))).Status);
        Assert.Equal(ErrorCodes.LoginSessionRequired, (await Assert.ThrowsAsync<TanagerApiException>(() => botClient.CreateBotAsync(room.Workspace.Id, "Child"))).Code);

        await room.Owner.RevokeBotTokenAsync(bot.User.Id, bot.Token.Id);
        Assert.Equal(401, (await Assert.ThrowsAsync<TanagerApiException>(() => botClient.GetMeAsync())).Status);
    }

    [Fact]
    public async Task The_bot_in_the_readme_is_the_sample_and_answers_a_message_with_a_token_from_rest()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "README.md"));
        var snippet = Between(readme, "<!-- bot:start -->", "<!-- bot:end -->");
        var code = Between(snippet, "```csharp\n", "```");
        Assert.Equal(Normalize(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "samples", "EchoBot", "Program.cs"))), Normalize(code));
        Assert.InRange(code.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, 1, 5);
        await RunEchoBotAsync(Repository.SampleDll("EchoBot"));
    }

    /// <summary>
    /// Runs the bot sample's build <paramref name="dll"/> (this repository's, or one built from the packages: see
    /// <see cref="PackageTests"/>) with a new bot's token, and waits for it to answer a message.
    /// </summary>
    internal static async Task RunEchoBotAsync(string dll)
    {
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 0);
        var bot = await room.Owner.CreateBotAsync(room.Workspace.Id, "Echo", [Scope.MessagesRead, Scope.MessagesWrite, Scope.ChannelsManage]);
        await using (var joiner = await TanagerClient.FromTokenAsync(server.Url, bot.Token!.Token!))
        {
            await joiner.JoinChannelAsync(room.Workspace.Id, room.Channel.Id);
        }
        var echoed = new TaskCompletionSource<MessageDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        room.Owner.Gateway.MessageCreated += m => Task.FromResult(m.Content.StartsWith("echo:", StringComparison.Ordinal) && echoed.TrySetResult(m));
        await room.Owner.Gateway.ConnectAsync().Within();

        // The sample is the README's code as printed: run it with the server and the token as its two arguments.
        await using var process = ChildProcess.Start("dotnet", [dll, server.Url.ToString(), bot.Token.Token!]);
        var answer = await PostUntilEchoedAsync(room, echoed, process);

        Assert.Equal("echo: ping", answer.Content);
        Assert.Equal(bot.User.Id, answer.AuthorId);
        Assert.False(process.HasExited, "The bot exited instead of running: " + process.Errors);
    }

    [Fact]
    public async Task The_command_line_makes_bots_api_keys_and_administrators_against_a_running_servers_store()
    {
        var settings = await TestServer.SettingsForAsync(TestStorage.Sqlite);
        await using var server = await TestServer.StartAsync(settings);
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var data = settings.DataDirectory;

        var token = await RunCliAsync("bot", "create", "--data-dir", data, "--workspace", room.Workspace.Id, "--owner", room.Owner.User!.Email!, "--name", "Cli bot", "--scopes", "messages:read,messages:write");
        await using (var bot = await TanagerClient.FromTokenAsync(server.Url, token))
        {
            Assert.True(bot.User!.IsBot);
            Assert.Equal(room.Owner.User.Id, bot.User.BotOwnerId);
            Assert.Equal([Scope.MessagesRead, Scope.MessagesWrite], Assert.Single(await room.Owner.ListBotTokensAsync(bot.User.Id)).Scopes);
        }

        var key = await RunCliAsync("admin", "api-key", "--data-dir", data, "--name", "from the shell");
        Assert.StartsWith("tgk_", key, StringComparison.Ordinal);
        using var http = new HttpClient();
        using (var provisioned = await SendAsync(http, server, key, HttpMethod.Post, "admin/users", """{"display_name":"Quinn","email":"quinn@example.test"}"""))
        {
            Assert.Equal(HttpStatusCode.Created, provisioned.StatusCode);
        }

        var member = room.Members[0];
        await RunCliAsync("admin", "grant", "--data-dir", data, member.User!.Email!);
        Assert.True((await member.GetMeAsync()).IsServerAdmin);
        await RunCliAsync("admin", "deactivate", "--data-dir", data, member.User.Email!);
        Assert.Equal(401, (await Assert.ThrowsAsync<TanagerApiException>(() => member.GetMeAsync())).Status);
        var login = await Assert.ThrowsAsync<TanagerApiException>(() => TanagerClient.LoginAsync(server.Url, member.User.Email!, Password));
        Assert.Equal(ErrorCodes.AccountDeactivated, login.Code);
    }

    [Fact]
    public async Task Deactivating_an_account_over_the_admin_api_closes_its_connections_and_keeps_its_messages()
    {
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var member = room.Members[0];
        var posted = await member.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "my words stay");
        await using var gateway = await RawGatewayClient.ConnectAsync(server.Url);
        await gateway.IdentifyAsync(member.Token!);
        using var http = new HttpClient();

        using var deactivated = await SendAsync(http, server, room.Owner.Token!, HttpMethod.Post, $"admin/users/{member.User!.Id}/deactivate", null);

        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        Assert.Equal(GatewayCloseCodes.AuthenticationFailed, await gateway.ReadCloseCodeAsync().Within(5));
        Assert.Equal(401, (await Assert.ThrowsAsync<TanagerApiException>(() => member.GetMeAsync())).Status);
        var history = await room.Owner.GetMessagesWithRepliesAsync(room.Workspace.Id, room.Channel.Id);
        Assert.Contains(history.Messages, m => m.Id == posted.Id && m.Content == "my words stay");
        using var self = await SendAsync(http, server, room.Owner.Token!, HttpMethod.Post, $"admin/users/{room.Owner.User!.Id}/deactivate", null);
        Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode);
    }

    [Theory]
    [InlineData(RegistrationPolicy.InviteOnly)]
    [InlineData(RegistrationPolicy.Closed)]
    public async Task The_registration_policy_lets_the_first_account_in_unless_closed_and_then_only_whom_it_allows(RegistrationPolicy policy)
    {
        await using var server = await TestServer.StartAsync(o => o.Registration = policy);
        await using var first = policy == RegistrationPolicy.Closed ? await FirstAdministratorOfAClosedServerAsync(server) : await server.NewUserAsync("First");
        var workspace = await first.CreateWorkspaceAsync("Acme");
        var invite = await first.CreateInviteAsync(workspace.Id);

        var refused = await Assert.ThrowsAsync<TanagerApiException>(() => server.NewUserAsync("Stranger"));
        Assert.Equal((403, ErrorCodes.RegistrationClosed), (refused.Status, refused.Code));
        using var http = new HttpClient();
        using var withInvite = await http.PostAsync(new Uri(server.Url, "api/v1/auth/register"),
            SessionTests.JsonBody($$"""{"email":"invited-{{Guid.NewGuid():N}}@example.test","password":"{{Password}}","display_name":"Invited","invite_code":"{{invite.Code}}"}"""));
        if (policy == RegistrationPolicy.InviteOnly)
        {
            Assert.Equal(HttpStatusCode.Created, withInvite.StatusCode);
            var session = (await withInvite.Content.ReadFromJsonAsync(TanagerJsonContext.Default.SessionResponse))!;
            await using var invited = new TanagerClient(server.Url, session.Token);
            Assert.Contains(await invited.ListWorkspacesAsync(), w => w.Id == workspace.Id);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Forbidden, withInvite.StatusCode);
        }
    }

    /// <summary>
    /// Closed means nobody, the first account included (a stranger who reaches a fresh server, or an app with host
    /// identity before anyone signed in, must not become its administrator): the command line makes the first one.
    /// </summary>
    private static async Task<TanagerClient> FirstAdministratorOfAClosedServerAsync(TestServer server)
    {
        var refused = await Assert.ThrowsAsync<TanagerApiException>(() => server.NewUserAsync("First"));
        Assert.Equal((403, ErrorCodes.RegistrationClosed), (refused.Status, refused.Code));
        var email = $"first-{Guid.NewGuid():N}@example.test";
        await server.Services.GetRequiredService<AdministrationService>().ProvisionUserAsync(Caller.CommandLine, email, "First", Password, null, serverAdmin: true);
        return await TanagerClient.LoginAsync(server.Url, email, Password);
    }

    /// <summary>Posts "ping" until the bot, which connects in the background, answers it.</summary>
    private static async Task<MessageDto> PostUntilEchoedAsync(ChatRoom room, TaskCompletionSource<MessageDto> echoed, ChildProcess process)
    {
        for (var attempt = 0; attempt < 30 && !echoed.Task.IsCompleted && !process.HasExited; attempt++)
        {
            await room.PostAsync("ping");
            await Task.WhenAny(echoed.Task, Task.Delay(TimeSpan.FromSeconds(2)));
        }
        Assert.True(echoed.Task.IsCompleted, $"The bot never answered. Exited: {process.HasExited}. {process.Errors}");
        return await echoed.Task;
    }

    [Fact]
    public async Task The_command_line_lists_every_account_and_workspace_a_page_at_a_time()
    {
        var settings = await TestServer.SettingsForAsync(TestStorage.Sqlite);
        await using var server = await TestServer.StartAsync(settings);
        var room = await ChatRoom.CreateAsync(server, members: 2);
        var data = settings.DataDirectory;

        var users = (await CommandLine.RunAsync("admin", "users", "--data-dir", data)).Split('\n');
        var people = new[] { room.Owner.User!, room.Members[0].User!, room.Members[1].User! };
        Assert.Equal(people.Length, users.Length);
        Assert.Equal(people.OrderBy(u => u.Id, StringComparer.Ordinal).Select(u => $"{u.Id}\t{u.Email}\t{u.DisplayName}\t{(u.IsServerAdmin == true ? "admin" : "-")}"), users);

        Assert.Equal(users[..1], (await CommandLine.RunAsync("admin", "users", "--data-dir", data, "--limit", "1")).Split('\n'));
        var firstId = users[0].Split('\t')[0];
        Assert.Equal(users[1..], (await CommandLine.RunAsync("admin", "users", "--data-dir", data, "--after", firstId)).Split('\n'));

        var workspaces = await CommandLine.RunAsync("admin", "workspaces", "--data-dir", data);
        Assert.StartsWith($"{room.Workspace.Id}\t{room.Workspace.Name}\t{room.Owner.User!.Id}\t", workspaces, StringComparison.Ordinal);

        await using var refused = ChildProcess.Start("dotnet", [TanagerDll, "admin", "users", "--data-dir", data, "--after", "not-an-id"]);
        await refused.WaitForExitAsync(60);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("after must be an id", refused.Errors, StringComparison.Ordinal);
    }

    private static async Task<string> RunCliAsync(params string[] arguments)
    {
        await using var process = ChildProcess.Start("dotnet", [TanagerDll, .. arguments]);
        await process.WaitForExitAsync(60);
        Assert.True(process.ExitCode == 0, $"tanager {string.Join(' ', arguments)} exited {process.ExitCode}: {process.Errors}");
        // Standard output holds the answer alone (logs go to standard error), so a script can capture it.
        return Assert.Single(process.Lines).Trim();
    }

    /// <summary>The table keeps the SHA-256 of the secret and nothing from which it could be read back.</summary>
    internal static void AssertStoredOnlyAsHash(string sqlitePath, string table, string hashColumn, string secret)
    {
        using var connection = new SqliteConnection($"Data Source={sqlitePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {table}";
        using var reader = command.ExecuteReader();
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        var found = false;
        while (reader.Read())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var value = reader.GetValue(i);
                var text = value switch { byte[] bytes => Encoding.UTF8.GetString(bytes) + Convert.ToHexString(bytes) + Convert.ToBase64String(bytes), _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "" };
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
                Assert.DoesNotContain(secret[4..], text, StringComparison.Ordinal);
            }
            found |= reader[hashColumn] is byte[] hash && hash.AsSpan().SequenceEqual(expected);
        }
        Assert.True(found, $"No row of {table} holds the SHA-256 of the secret in {hashColumn}.");
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, TestServer server, string token, HttpMethod method, string path, string? body, string? actAs = null)
    {
        var request = new HttpRequestMessage(method, new Uri(server.Url, "api/v1/" + path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (actAs is not null)
        {
            request.Headers.Add("Tanager-Act-As", actAs);
        }
        if (body is not null)
        {
            request.Content = SessionTests.JsonBody(body);
        }
        return http.SendAsync(request);
    }

    private static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"'{start}' not found.");
        from += start.Length;
        var to = text.IndexOf(end, from, StringComparison.Ordinal);
        Assert.True(to >= 0, $"'{end}' not found after '{start}'.");
        return text[from..to];
    }

    private static string Normalize(string code) => code.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
}
