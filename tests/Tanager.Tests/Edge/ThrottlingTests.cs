using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.Edge;

/// <summary>
/// Issue 12's throttling against the real server. Client addresses are set with X-Forwarded-For, which the server trusts
/// from loopback (its default trusted proxy), as it would from nginx on the same machine.
/// </summary>
public sealed class ThrottlingTests
{
    private const string Attacker = "203.0.113.7";
    private const string OwnersOtherAddress = "198.51.100.9";
    private const string Bystander = "192.0.2.44";

    private static Task<TestServer> StartAsync(Action<RateLimitOptions>? configure = null) =>
        TestServer.StartAsync(o =>
        {
            o.RateLimits.Enabled = true;
            // Refusals are answered at once here, so that hundreds of them take no minutes; the delay has its own test.
            o.RateLimits.SignInRefusalDelay = TimeSpan.Zero;
            configure?.Invoke(o.RateLimits);
        });

    [Fact]
    public async Task Three_hundred_wrong_passwords_are_throttled_early_and_neither_the_owner_nor_other_accounts_are_locked_out()
    {
        await using var server = await StartAsync();
        var owner = await server.NewUserAsync("Owner");
        var other = await server.NewUserAsync("Other");
        using var http = new HttpClient { BaseAddress = server.Url };

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? firstRefusal = null;
        for (var i = 0; i < 300; i++)
        {
            var response = await LoginAsync(http, owner.User!.Email!, "wrong password " + i, Attacker);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && firstRefusal is null)
            {
                firstRefusal = response;
                continue;
            }
            response.Dispose();
        }

        // Five guesses get through (LoginPerAccountAndAddress's burst), then the address gets 429s.
        var firstThrottled = statuses.IndexOf(HttpStatusCode.TooManyRequests);
        Assert.InRange(firstThrottled, 1, 10);
        Assert.True(statuses.Count(s => s == HttpStatusCode.Unauthorized) <= 10, string.Join(",", statuses));
        using (firstRefusal)
        {
            Assert.NotNull(firstRefusal!.Headers.RetryAfter?.Delta);
            Assert.True(firstRefusal.Headers.RetryAfter!.Delta!.Value >= TimeSpan.FromSeconds(1));
            Assert.Equal("application/problem+json", firstRefusal.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await firstRefusal.Content.ReadAsStringAsync());
            Assert.Equal(ErrorCodes.RateLimited, problem.RootElement.GetProperty("code").GetString());
            Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
        }

        // The owner, from another address, signs in at once; so does another account from a third.
        using (var ownerLogin = await LoginAsync(http, owner.User!.Email!, "correct horse battery", OwnersOtherAddress))
        {
            Assert.Equal(HttpStatusCode.OK, ownerLogin.StatusCode);
        }
        using (var otherLogin = await LoginAsync(http, other.User!.Email!, "correct horse battery", Bystander))
        {
            Assert.Equal(HttpStatusCode.OK, otherLogin.StatusCode);
        }
    }

    [Fact]
    public async Task A_refused_sign_in_is_answered_only_after_the_refusal_delay_so_a_client_that_retries_at_once_is_held_to_one_attempt_a_second()
    {
        await using var server = await StartAsync(limits =>
        {
            limits.SignInRefusalDelay = TimeSpan.FromSeconds(1);
            limits.LoginPerAddress.Permits = 1;
            limits.LoginPerAddress.Window = TimeSpan.FromHours(1);
        });
        using var http = new HttpClient { BaseAddress = server.Url };
        using (var first = await LoginAsync(http, "nobody@example.test", "a guess", Attacker))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        }
        // A flood client sends its next attempt the moment an answer comes: three refusals take three delays.
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < 3; i++)
        {
            using var refused = await LoginAsync(http, $"nobody{i}@example.test", "a guess", Attacker);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }
        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromSeconds(2.9), $"three refusals took {Stopwatch.GetElapsedTime(started)}");
        // Another address is not held up by the refused one's waits.
        using var bystander = await LoginAsync(http, "nobody@example.test", "a guess", Bystander);
        Assert.Equal(HttpStatusCode.Unauthorized, bystander.StatusCode);
    }

    [Fact]
    public async Task The_wait_grows_for_a_guesser_who_keeps_going()
    {
        await using var server = await StartAsync(limits =>
        {
            // Stage one: 3 at once, then one a second. Stage two: 4 in all, then one every 15 minutes.
            limits.LoginPerAccountAndAddress.Permits = 3;
            limits.LoginPerAccountAndAddress.Window = TimeSpan.FromSeconds(3);
            limits.LoginPerAccountAndAddressSustained.Permits = 4;
            limits.LoginPerAccountAndAddressSustained.Window = TimeSpan.FromHours(1);
        });
        var owner = await server.NewUserAsync();
        using var http = new HttpClient { BaseAddress = server.Url };
        for (var i = 0; i < 3; i++)
        {
            using var guess = await LoginAsync(http, owner.User!.Email!, "guess", Attacker);
            Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
        }
        TimeSpan first;
        using (var refused = await LoginAsync(http, owner.User!.Email!, "guess", Attacker))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            first = refused.Headers.RetryAfter!.Delta!.Value;
        }
        await Task.Delay(first + TimeSpan.FromMilliseconds(300));
        using (var fourth = await LoginAsync(http, owner.User!.Email!, "guess", Attacker))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, fourth.StatusCode);
        }
        await Task.Delay(first + TimeSpan.FromMilliseconds(300));
        using var later = await LoginAsync(http, owner.User!.Email!, "guess", Attacker);
        Assert.Equal(HttpStatusCode.TooManyRequests, later.StatusCode);
        Assert.True(later.Headers.RetryAfter!.Delta!.Value >= TimeSpan.FromMinutes(10), $"{first} then {later.Headers.RetryAfter}");
    }

    [Fact]
    public async Task Registrations_are_limited_per_address()
    {
        await using var server = await StartAsync(limits => limits.RegisterPerAddress.Permits = 2);
        using var http = new HttpClient { BaseAddress = server.Url };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/register")
            {
                Content = JsonContent.Create(new RegisterRequest { Email = $"r{i}-{Guid.NewGuid():N}@example.test", Password = "correct horse battery", DisplayName = "R" }, TanagerJsonContext.Default.RegisterRequest),
            };
            request.Headers.Add("X-Forwarded-For", Attacker);
            using var response = await http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task A_user_over_the_REST_budget_gets_429_and_other_users_do_not()
    {
        await using var server = await StartAsync(limits =>
        {
            limits.RestPerUser.Permits = 5;
            limits.RestPerUser.Window = TimeSpan.FromMinutes(1);
        });
        await using var busy = await server.NewUserAsync();
        await using var calm = await server.NewUserAsync();
        using var http = new HttpClient { BaseAddress = server.Url };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await GetMeAsync(http, busy.Token!);
            statuses.Add(response.StatusCode);
        }
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        using var other = await GetMeAsync(http, calm.Token!);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Upload_starts_are_limited_per_user()
    {
        await using var server = await StartAsync(limits => limits.UploadsPerUser.Permits = 2);
        var room = await ChatRoom.CreateAsync(server, 0);
        using var http = new HttpClient { BaseAddress = server.Url };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/workspaces/{room.Workspace.Id}/channels/{room.Channel.Id}/attachments")
            {
                Content = new StringContent($"{{\"file_name\":\"a{i}.txt\",\"content_type\":\"text/plain\",\"size\":3}}", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", room.Owner.Token);
            using var response = await http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Tanager_client_waits_out_a_429_and_succeeds()
    {
        await using var server = await StartAsync(limits =>
        {
            // Two at once, then one every second.
            limits.RestPerUser.Permits = 2;
            limits.RestPerUser.Window = TimeSpan.FromSeconds(2);
        });
        await using var client = await server.NewUserAsync();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 5; i++)
        {
            var me = await client.GetMeAsync();
            Assert.Equal(client.User!.Id, me.Id);
        }
        // Three of the five waited about a second each for their Retry-After.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), clock.Elapsed.ToString());
    }

    [Fact]
    public async Task Tanager_client_surfaces_a_long_Retry_After_instead_of_hanging()
    {
        await using var server = await StartAsync(limits =>
        {
            limits.RestPerUser.Permits = 1;
            limits.RestPerUser.Window = TimeSpan.FromHours(1);
        });
        await using var client = await server.NewUserAsync();
        await client.GetMeAsync();
        var refused = await Assert.ThrowsAsync<TanagerApiException>(() => client.GetMeAsync()).Within();
        Assert.Equal(429, refused.Status);
        Assert.Equal(ErrorCodes.RateLimited, refused.Code);
        Assert.True(refused.RetryAfter > TimeSpan.FromMinutes(30), refused.RetryAfter?.ToString());
    }

    [Fact]
    public async Task Unidentified_sockets_are_limited_per_address_and_identified_ones_per_user()
    {
        await using var server = await StartAsync(limits =>
        {
            limits.UnidentifiedConnectionsPerAddress = 3;
            limits.ConnectionsPerUser = 1;
        });
        var user = await server.NewUserAsync();
        var idle = new List<RawGatewayClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var client = await RawGatewayClient.ConnectAsync(server.Url);
                idle.Add(client);
                // HELLO comes once the server has counted the connection (the upgrade's 101 comes before).
                await client.ReadFrameAsync().Within();
            }
            Assert.Equal(HttpStatusCode.TooManyRequests, await UpgradeStatusAsync(server, origin: null));

            // Identifying one makes room for another unidentified one.
            await idle[0].SendTextAsync(Encoding.UTF8.GetString(GatewayEnvelope.Serialize(GatewayOpCode.Identify, null, new IdentifyData { Token = user.Token! }, TanagerJsonContext.Default.IdentifyData)));
            await idle[0].ReadDispatchAsync(GatewayEvents.Ready).Within();
            await using var next = await RawGatewayClient.ConnectAsync(server.Url);

            // The user's second connection is over ConnectionsPerUser: closed with 4008 at IDENTIFY.
            await next.ReadFrameAsync();
            await next.SendTextAsync(Encoding.UTF8.GetString(GatewayEnvelope.Serialize(GatewayOpCode.Identify, null, new IdentifyData { Token = user.Token! }, TanagerJsonContext.Default.IdentifyData)));
            Assert.Equal(GatewayCloseCodes.RateLimited, await next.ReadCloseCodeAsync().Within());
        }
        finally
        {
            foreach (var client in idle)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Tanager_client_gateway_waits_out_a_refused_upgrade_and_connects_once_there_is_room()
    {
        await using var server = await StartAsync(limits => limits.UnidentifiedConnectionsPerAddress = 1);
        await using var client = await server.NewUserAsync();
        var squatter = await RawGatewayClient.ConnectAsync(server.Url);
        var connecting = client.Gateway.ConnectAsync();
        await Task.Delay(1500);
        Assert.False(connecting.IsCompleted);
        await squatter.DisposeAsync();
        var ready = await connecting.Within();
        Assert.Equal(client.User!.Id, ready.User.Id);
    }

    internal static async Task<HttpStatusCode> UpgradeStatusAsync(TestServer server, string? origin)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }
        try
        {
            await socket.ConnectAsync(new Uri(server.Url.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "gateway"), CancellationToken.None).Within();
        }
        catch (WebSocketException)
        {
        }
        return socket.HttpStatusCode;
    }

    private static async Task<HttpResponseMessage> LoginAsync(HttpClient http, string email, string password, string address)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/login")
        {
            Content = JsonContent.Create(new LoginRequest { Email = email, Password = password }, TanagerJsonContext.Default.LoginRequest),
        };
        request.Headers.Add("X-Forwarded-For", address);
        using (request)
        {
            return await http.SendAsync(request);
        }
    }

    private static async Task<HttpResponseMessage> GetMeAsync(HttpClient http, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/users/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }
}
