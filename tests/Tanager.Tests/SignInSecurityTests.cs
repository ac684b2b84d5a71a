using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// Issue 12 (part A): common passwords refused, password hashing bounded so a login flood cannot take the server down,
/// the security audit log (done-when 6), and no secret in any log line.
/// </summary>
public sealed class SignInSecurityTests
{
    private const string Password = TwoFactorTests.Password;

    [Theory]
    [InlineData("12345678")]
    [InlineData("password")]
    [InlineData("PassWord")]
    [InlineData("qwertyuiop")]
    [InlineData("iloveyou")]
    public async Task A_common_password_is_refused_with_a_clear_400_at_registration_and_password_change(string common)
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient();

        using var register = await http.PostAsync(new Uri(server.Url, "api/v1/auth/register"), SessionTests.JsonBody($$"""{"email":"ann@example.test","password":"{{common}}","display_name":"Ann"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, register.StatusCode);
        Assert.Equal("application/problem+json", register.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await register.Content.ReadAsStringAsync());
        Assert.Equal(ErrorCodes.PasswordTooCommon, problem.RootElement.GetProperty("code").GetString());
        Assert.Contains("common", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await using var bob = await server.NewUserAsync("Bob");
        Assert.Equal(ErrorCodes.PasswordTooCommon, (await Assert.ThrowsAsync<TanagerApiException>(() => bob.ChangePasswordAsync(Password, common))).Code);
    }

    [Fact]
    public async Task Hashes_are_argon2id_phc_strings_and_hashes_stored_by_the_earlier_managed_implementation_still_verify()
    {
        using var hasher = new PasswordHasher(Microsoft.Extensions.Options.Options.Create(new TanagerOptions { PasswordMemoryKiB = 19456, PasswordIterations = 2 }));
        var hash = await hasher.HashAsync(Password);
        Assert.Matches(@"^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$", hash);
        Assert.True(await hasher.VerifyAsync(hash, Password));
        Assert.False(await hasher.VerifyAsync(hash, Password + "!"));
        Assert.NotEqual(hash, await hasher.HashAsync(Password));
        // Written by Isopoh.Cryptography.Argon2 2.0.0 (the hasher before libsodium's) for this password: existing
        // accounts keep signing in.
        const string Earlier = "$argon2id$v=19$m=19456,t=2,p=1$18GNDHIAEWNVPKQZOvybQw$8RN+W3e+38cZUkIkTAU3lKuaAkgOwtVmIhR4zHkqKsk";
        Assert.True(await hasher.VerifyAsync(Earlier, Password));
        Assert.False(await hasher.VerifyAsync(Earlier, "correct horse battery staple"));
        // A corrupt stored value matches nothing, and no account's unknown hash signs anyone in.
        Assert.False(await hasher.VerifyAsync("not a hash", Password));
        Assert.False(await hasher.VerifyAsync(null, Password));
    }

    [Fact]
    public async Task A_short_password_is_refused_and_an_uncommon_one_of_eight_characters_is_taken()
    {
        await using var server = await TestServer.StartAsync();
        Assert.Equal(ErrorCodes.InvalidRequest, (await Assert.ThrowsAsync<TanagerApiException>(() => TanagerClient.RegisterAsync(server.Url, "ann@example.test", "Zq7#vLp", "Ann"))).Code);
        await using var ann = await TanagerClient.RegisterAsync(server.Url, "ann@example.test", "Zq7#vLp2", "Ann");
        Assert.NotNull(ann.Token);
    }

    [Fact]
    public async Task The_audit_log_records_each_security_event_with_the_client_address_and_no_secret()
    {
        await using var server = await TestServer.StartAsync();
        await using var admin = await server.NewUserAsync("Admin");
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var member = room.Members[0];
        using var http = new HttpClient();

        // Sign-ins: a failure for an unknown email and for a wrong password (from an address a trusted proxy names), a success.
        using (var unknown = await LoginFromAsync(http, server, "nobody@example.test", "guessing-1", "203.0.113.50"))
        using (var wrong = await LoginFromAsync(http, server, member.User!.Email!, "guessing-2", "203.0.113.51"))
        using (var right = await LoginFromAsync(http, server, member.User.Email!, Password, "203.0.113.52"))
        using (var typo = await LoginFromAsync(http, server, "hunter-two-secret", Password, "203.0.113.53"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, typo.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        }
        // Two-factor: on, a recovery code used, off; and a reset by an administrator.
        var (secret, recovery) = await TwoFactorTests.EnrolAsync(member);
        var challenged = await Assert.ThrowsAsync<TanagerTwoFactorRequiredException>(() => TanagerClient.LoginAsync(server.Url, member.User.Email!, Password));
        await using (var withRecovery = await TanagerClient.CompleteLoginWithRecoveryCodeAsync(server.Url, challenged.Challenge, recovery[0]))
        {
            await withRecovery.DisableTwoFactorAsync(Password, TwoFactorTests.Code(secret, 1));
        }
        await TwoFactorTests.EnrolAsync(member);
        using (var reset = await TwoFactorTests.AdminAsync(http, server, admin.Token!, HttpMethod.Delete, $"admin/users/{member.User.Id}/two-factor"))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }
        // Credentials: a session revoked, a bot token made and revoked, an API key made and revoked.
        await using (var other = await TanagerClient.LoginAsync(server.Url, member.User.Email!, Password))
        {
            await member.RevokeOtherSessionsAsync();
        }
        var bot = await room.Owner.CreateBotAsync(room.Workspace.Id, "Helper");
        var token = await room.Owner.CreateBotTokenAsync(bot.User.Id, "second");
        await room.Owner.RevokeBotTokenAsync(bot.User.Id, token.Id);
        using (var key = await http.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(server.Url, "api/v1/admin/api-keys"))
        {
            Headers = { Authorization = new("Bearer", admin.Token) },
            Content = SessionTests.JsonBody("""{"name":"backend"}"""),
        }))
        {
            var created = (await key.Content.ReadFromJsonAsync(TanagerJsonContext.Default.TokenDto))!;
            using var revoked = await TwoFactorTests.AdminAsync(http, server, admin.Token!, HttpMethod.Delete, $"admin/api-keys/{created.Id}");
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }
        // Roles and the password.
        await room.Owner.ChangeWorkspaceRoleAsync(room.Workspace.Id, member.User.Id, "admin");
        using (var granted = await TwoFactorTests.AdminAsync(http, server, admin.Token!, HttpMethod.Put, $"admin/users/{member.User.Id}/server-admin"))
        {
            Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        }
        await member.ChangePasswordAsync(Password, "a brand new secret");

        var events = await ReadAuditLogAsync(http, server, admin.Token!);

        foreach (var kind in new[]
        {
            AuditEventKinds.AccountCreated, AuditEventKinds.LoginFailed, AuditEventKinds.LoginSucceeded, AuditEventKinds.LoginChallenged,
            AuditEventKinds.TwoFactorEnabled, AuditEventKinds.RecoveryCodeUsed, AuditEventKinds.TwoFactorDisabled, AuditEventKinds.TwoFactorReset,
            AuditEventKinds.SessionRevoked, AuditEventKinds.BotTokenCreated, AuditEventKinds.BotTokenRevoked, AuditEventKinds.ApiKeyCreated,
            AuditEventKinds.ApiKeyRevoked, AuditEventKinds.WorkspaceRoleChanged, AuditEventKinds.ServerAdminChanged, AuditEventKinds.PasswordChanged,
        })
        {
            Assert.Contains(events, e => e.Kind == kind);
        }
        var unknownEmail = Assert.Single(events, e => e.Kind == AuditEventKinds.LoginFailed && e.UserId is null && e.IpAddress == "203.0.113.50");
        Assert.Contains("nobody@example.test", unknownEmail.Detail, StringComparison.Ordinal);
        // A password typed into the email field is not kept.
        var typoEvent = Assert.Single(events, e => e.Kind == AuditEventKinds.LoginFailed && e.IpAddress == "203.0.113.53");
        Assert.DoesNotContain("hunter-two-secret", typoEvent.Detail, StringComparison.Ordinal);
        var wrongPassword = Assert.Single(events, e => e.Kind == AuditEventKinds.LoginFailed && e.UserId == member.User.Id);
        Assert.Equal("203.0.113.51", wrongPassword.IpAddress);
        Assert.Contains(events, e => e.Kind == AuditEventKinds.LoginSucceeded && e.UserId == member.User.Id && e.IpAddress == "203.0.113.52");
        var resetEvent = Assert.Single(events, e => e.Kind == AuditEventKinds.TwoFactorReset);
        Assert.Equal((member.User.Id, admin.User!.Id), (resetEvent.UserId, resetEvent.ActorId));
        // Newest first, and paged.
        Assert.Equal(events.OrderByDescending(e => e.Id, StringComparer.Ordinal).Select(e => e.Id), events.Select(e => e.Id));
        var json = JsonSerializer.Serialize(events, TanagerJsonContext.Default.IReadOnlyListAuditEventDto);
        foreach (var secretText in new[] { Password, "guessing-1", "guessing-2", "hunter-two-secret", "a brand new secret", secret, recovery[0], recovery[1], challenged.Challenge, token.Token! })
        {
            Assert.DoesNotContain(secretText, json, StringComparison.OrdinalIgnoreCase);
        }
        // Only server administrators read it.
        using var refused = await TwoFactorTests.AdminAsync(http, server, room.Owner.Token!, HttpMethod.Get, "admin/audit");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task The_command_line_prints_the_audit_log_newest_first()
    {
        var settings = await TestServer.SettingsForAsync(TestStorage.Sqlite);
        await using var server = await TestServer.StartAsync(settings);
        await using var ann = await server.NewUserAsync("Ann");
        await Assert.ThrowsAsync<TanagerApiException>(() => TanagerClient.LoginAsync(server.Url, ann.User!.Email!, "not the password"));

        var output = await CommandLine.RunAsync("admin", "audit", "--data-dir", settings.DataDirectory, "--limit", "1");

        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(AuditEventKinds.LoginFailed, line, StringComparison.Ordinal);
        Assert.Contains(ann.User!.Id, line, StringComparison.Ordinal);
        Assert.Contains(AuditEventKinds.AccountCreated, await CommandLine.RunAsync("admin", "audit", "--data-dir", settings.DataDirectory, "--user", ann.User.Email!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestStorage.InMemory)]
    [InlineData(TestStorage.Postgres)]
    public async Task No_password_token_challenge_secret_or_code_appears_in_any_log_line(TestStorage storage)
    {
        var logs = new CapturedLogs();
        await using var server = await TestServer.StartAsync(await TestServer.SettingsForAsync(storage), services: logs.AddTo);
        await using var ann = await server.NewUserAsync("Ann");
        await Assert.ThrowsAsync<TanagerApiException>(() => TanagerClient.LoginAsync(server.Url, ann.User!.Email!, "wrong horse battery"));
        await Assert.ThrowsAsync<TanagerApiException>(() => TanagerClient.RegisterAsync(server.Url, "bob@example.test", "password", "Bob"));
        var (secret, recovery) = await TwoFactorTests.EnrolAsync(ann);
        var challenged = await Assert.ThrowsAsync<TanagerTwoFactorRequiredException>(() => TanagerClient.LoginAsync(server.Url, ann.User!.Email!, Password));
        var code = TwoFactorTests.Code(secret, 1);
        await using var signedIn = await TanagerClient.CompleteLoginAsync(server.Url, challenged.Challenge, code);
        await Assert.ThrowsAsync<TanagerApiException>(() => TanagerClient.LoginAsync(server.Url, ann.User!.Email!, Password, code));
        var again = await Assert.ThrowsAsync<TanagerTwoFactorRequiredException>(() => TanagerClient.LoginAsync(server.Url, ann.User!.Email!, Password));
        await using var withRecovery = await TanagerClient.CompleteLoginWithRecoveryCodeAsync(server.Url, again.Challenge, recovery[0]);
        await withRecovery.ChangePasswordAsync(Password, "a brand new secret");

        Assert.Contains(logs.Entries, e => e.Contains(AuditEventKinds.LoginSucceeded, StringComparison.Ordinal)); // the capture works
        if (storage == TestStorage.Postgres)
        {
            // Npgsql logs through the host's logger factory: its commands are in the capture (and checked below).
            Assert.Contains(logs.Entries, e => e.StartsWith("Debug Npgsql.Command ", StringComparison.Ordinal) && e.Contains("INSERT INTO sessions", StringComparison.Ordinal));
        }
        var secrets = new[] { Password, "wrong horse battery", "a brand new secret", secret, code, challenged.Challenge, again.Challenge, ann.Token!, signedIn.Token!, withRecovery.Token! }
            .Concat(recovery);
        foreach (var entry in logs.Entries)
        {
            foreach (var secretText in secrets)
            {
                Assert.False(entry.Contains(secretText, StringComparison.OrdinalIgnoreCase), $"A log line holds a secret: {entry}");
            }
        }
    }

    [Fact]
    public async Task A_login_burst_over_the_hashing_limit_gets_503_with_retry_after_while_health_answers()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.PasswordHashConcurrency = 1;
            o.PasswordHashQueueLimit = 0;
            // Costly enough that a burst overlaps (tens of milliseconds a hash), cheap enough that one hash is long over
            // when a refused client comes back a second later.
            o.PasswordMemoryKiB = 16 * 1024;
            o.PasswordIterations = 2;
        });
        await using var ann = await server.NewUserAsync("Ann");
        using var http = new HttpClient();

        var burst = Enumerable.Range(0, 24).Select(i => http.PostAsync(new Uri(server.Url, "api/v1/auth/login"),
            SessionTests.JsonBody($$"""{"email":"{{(i % 2 == 0 ? ann.User!.Email : $"nobody{i}@example.test")}}","password":"wrong horse {{i}}"}"""))).ToList();
        var health = Stopwatch.StartNew();
        using (var answer = await http.GetAsync(new Uri(server.Url, "health")))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }
        health.Stop();
        var responses = await Task.WhenAll(burst);

        try
        {
            var busy = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
            Assert.NotEmpty(busy);
            // The rest were checked: wrong passwords and unknown emails alike (the decoy hash is limited too).
            Assert.All(responses.Except(busy), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
            Assert.All(busy, r => Assert.Equal(TimeSpan.FromSeconds(1), r.Headers.RetryAfter?.Delta));
            using var problem = JsonDocument.Parse(await busy[0].Content.ReadAsStringAsync());
            Assert.Equal(ErrorCodes.ServerBusy, problem.RootElement.GetProperty("code").GetString());
            // Health is not behind the hashing queue: it answered while the one slot was busy.
            Assert.True(health.Elapsed < TimeSpan.FromSeconds(5), $"/health took {health.Elapsed}");
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
        // The SDK waits out a 503 that says when to retry: two logins at once through one slot and no queue both succeed
        // (the second is refused, waits the second it is told, and finds the slot free).
        var clients = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => TanagerClient.LoginAsync(server.Url, ann.User!.Email!, Password)));
        foreach (var client in clients)
        {
            Assert.NotNull(client.Token);
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Password_checks_over_the_hashing_time_budget_wait_their_turn_and_what_cannot_wait_gets_503()
    {
        // A budget so small that the first check's cost (its CPU time ÷ the budget: over a second for even 0.1 µs) is
        // not paid for during the test, one slot and no queue.
        TanagerOptions Options(double budget, TimeSpan burst) => new()
        {
            PasswordMemoryKiB = 8,
            PasswordIterations = 1,
            PasswordHashConcurrency = 1,
            PasswordHashQueueLimit = 0,
            PasswordHashTimeBudget = budget,
            PasswordHashBurst = burst,
        };
        using (var hasher = new PasswordHasher(Microsoft.Extensions.Options.Options.Create(Options(1e-7, TimeSpan.Zero))))
        {
            Assert.False(await hasher.VerifyAsync(null, "first"));
            using var stop = new CancellationTokenSource();
            // The second check holds the slot while it waits for the budget, so the third finds no room.
            var waiting = hasher.VerifyAsync(null, "second", stop.Token);
            var refused = await Assert.ThrowsAsync<TanagerException>(() => hasher.VerifyAsync(null, "third"));
            Assert.Equal((ErrorCodes.ServerBusy, TanagerErrorKind.Unavailable), (refused.Code, refused.Kind));
            Assert.False(waiting.IsCompleted);
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        }
        // Within the burst nothing waits: three checks in a row (each costs well under 20 minutes at a thousandth of a core).
        using (var hasher = new PasswordHasher(Microsoft.Extensions.Options.Options.Create(Options(1e-3, TimeSpan.FromHours(1)))))
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.False(await hasher.VerifyAsync(null, "again").WaitAsync(TimeSpan.FromSeconds(30)));
            }
        }
    }

    [Fact]
    public async Task A_check_refused_for_want_of_a_hashing_slot_has_looked_nothing_up()
    {
        // One slot, no queue, and a budget so small that the second check holds the slot while it waits for its turn.
        using var hasher = new PasswordHasher(Microsoft.Extensions.Options.Options.Create(new TanagerOptions
        {
            PasswordMemoryKiB = 8,
            PasswordIterations = 1,
            PasswordHashConcurrency = 1,
            PasswordHashQueueLimit = 0,
            PasswordHashTimeBudget = 1e-7,
            PasswordHashBurst = TimeSpan.Zero,
        }));
        var lookups = 0;
        ValueTask<User?> FindAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref lookups);
            return ValueTask.FromResult<User?>(null);
        }

        var (found, matches) = await hasher.FindAndVerifyAsync(FindAsync, user => user.PasswordHash, "first", CancellationToken.None);
        Assert.Equal((null, false, 1), (found, matches, lookups));
        using var stop = new CancellationTokenSource();
        var waiting = hasher.FindAndVerifyAsync(FindAsync, user => user.PasswordHash, "second", stop.Token);
        var refused = await Assert.ThrowsAsync<TanagerException>(() => hasher.FindAndVerifyAsync(FindAsync, user => user.PasswordHash, "third", CancellationToken.None));
        Assert.Equal(ErrorCodes.ServerBusy, refused.Code);
        // The first and the second (holding the slot) looked the account up; the refused third did not.
        Assert.Equal(2, lookups);
        Assert.False(waiting.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    private static Task<HttpResponseMessage> LoginFromAsync(HttpClient http, TestServer server, string email, string password, string clientAddress)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Url, "api/v1/auth/login"))
        {
            Content = SessionTests.JsonBody($$"""{"email":"{{email}}","password":"{{password}}"}"""),
        };
        // The test server trusts loopback as its reverse proxy, so this names the client.
        request.Headers.Add("X-Forwarded-For", clientAddress);
        return http.SendAsync(request);
    }

    /// <summary>Every event, page by page through next_before.</summary>
    private static async Task<IReadOnlyList<AuditEventDto>> ReadAuditLogAsync(HttpClient http, TestServer server, string token)
    {
        var events = new List<AuditEventDto>();
        string? before = null;
        do
        {
            using var response = await TwoFactorTests.AdminAsync(http, server, token, HttpMethod.Get, $"admin/audit?limit=7{(before is null ? "" : "&before=" + before)}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = (await response.Content.ReadFromJsonAsync(TanagerJsonContext.Default.AuditPage))!;
            Assert.True(page.Events.Count <= 7);
            events.AddRange(page.Events);
            before = page.NextBefore;
        }
        while (before is not null);
        return events;
    }
}
