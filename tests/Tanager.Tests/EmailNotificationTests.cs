using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tanager.Client;
using Tanager.Server;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// Issue 14, Done-when #4: a mention of an offline user produces one email at a real SMTP server (npm's smtp-server,
/// started by the test run), and none if the user reads it first. "None" is shown without a blind wait: a later message
/// that is emailed proves the round that would have sent the first one has run.
/// </summary>
public sealed partial class EmailNotificationTests
{
    /// <summary>The base of links in emails; the tests swap it for the server's real address.</summary>
    private const string PublicBaseUrl = "http://chat.tanager.test";

    private static async Task<TestServer> StartAsync(SmtpSink smtp, TimeSpan delay, TestStorage storage = TestStorage.InMemory, ServerSettings? settings = null)
    {
        void Configure(TanagerOptions o)
        {
            o.Email.SmtpHost = "127.0.0.1";
            o.Email.SmtpPort = smtp.Port;
            o.Email.SmtpSecurity = SmtpSecurity.None;
            o.Email.From = "Tanager <noreply@tanager.test>";
            o.Email.PublicBaseUrl = PublicBaseUrl;
            o.Email.Delay = delay;
            o.Email.PollInterval = TimeSpan.FromMilliseconds(200);
        }
        return await TestServer.StartAsync(settings ?? await TestServer.SettingsForAsync(storage), Configure);
    }

    private static string Mention(TanagerClient user) => $"<@{user.User!.Id}>";

    [Fact]
    public async Task A_mention_of_an_offline_user_is_emailed_once_with_the_channel_an_excerpt_and_an_unsubscribe_link()
    {
        var smtp = await SmtpSink.GetSharedAsync();
        await using var server = await StartAsync(smtp, TimeSpan.FromSeconds(1));
        var room = await ChatRoom.CreateAsync(server, 1);
        var bob = room.Members[0];
        var address = bob.User!.Email!;

        await room.PostAsync($"{Mention(bob)} could you **review** the deploy-plan-{Marker()}?");
        var email = await smtp.WaitForAsync(address, "deploy-plan-");

        Assert.Equal([address], email.Recipients);
        Assert.Contains("#general", email.Text, StringComparison.Ordinal);
        Assert.Contains("Owner", email.Text, StringComparison.Ordinal);
        // The mention token reads as the name, and Markdown marks are gone.
        Assert.Contains($"@{bob.User.DisplayName} could you review the deploy-plan-", email.Text, StringComparison.Ordinal);
        Assert.Matches(UnsubscribeLink(), email.Text);
        Assert.Contains("List-Unsubscribe", email.Message.Headers.Select(h => h.Field));
        Assert.Null(email.Message.HtmlBody);

        // A later mention is emailed in a later round: by then the first would have been sent again if it ever were.
        var later = Marker();
        await room.PostAsync($"{Mention(bob)} and one more thing: {later}");
        await smtp.WaitForAsync(address, later);
        Assert.Single(smtp.To(address), e => e.Text.Contains("deploy-plan-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_mention_read_before_the_delay_is_not_emailed()
    {
        var smtp = await SmtpSink.GetSharedAsync();
        // Long enough that marking the channel read, one REST call, surely comes first.
        await using var server = await StartAsync(smtp, TimeSpan.FromSeconds(4));
        var room = await ChatRoom.CreateAsync(server, 1);
        var bob = room.Members[0];
        var address = bob.User!.Email!;

        var readFirst = Marker();
        var seen = await room.PostAsync($"{Mention(bob)} read this one in the app {readFirst}");
        await bob.MarkReadAsync(room.Workspace.Id, room.Channel.Id, seen.Sequence);
        var unread = Marker();
        await room.PostAsync($"{Mention(bob)} but not this one {unread}");

        await smtp.WaitForAsync(address, unread);
        Assert.DoesNotContain(smtp.To(address), e => e.Text.Contains(readFirst, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_direct_message_is_emailed_and_a_user_who_chose_none_gets_nothing()
    {
        var smtp = await SmtpSink.GetSharedAsync();
        await using var server = await StartAsync(smtp, TimeSpan.FromSeconds(1));
        var room = await ChatRoom.CreateAsync(server, 2);
        var (bob, carol) = (room.Members[0], room.Members[1]);
        using (var http = Http(server, carol))
        {
            var put = await http.PutAsync("api/v1/users/me/notification-preferences", Json("""{"email":"none"}"""));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var toCarol = Marker();
        await room.PostAsync($"{Mention(carol)} you asked for no email {toCarol}");
        var dm = await room.Owner.OpenDirectMessageAsync(room.Workspace.Id, bob.User!.Id);
        var direct = Marker();
        await room.Owner.PostMessageAsync(room.Workspace.Id, dm.Id, $"just between us {direct}");

        var email = await smtp.WaitForAsync(bob.User.Email!, direct);
        Assert.Contains("Direct message", email.Text, StringComparison.Ordinal);
        // Bob's email came from the round that saw Carol's mention (or a later one): she got nothing.
        Assert.Empty(smtp.To(carol.User!.Email!));
    }

    [Fact]
    public async Task The_unsubscribe_link_shows_a_page_and_its_post_turns_email_off_without_signing_in()
    {
        var smtp = await SmtpSink.GetSharedAsync();
        await using var server = await StartAsync(smtp, TimeSpan.FromSeconds(1));
        var room = await ChatRoom.CreateAsync(server, 1);
        var bob = room.Members[0];
        var marker = Marker();
        await room.PostAsync($"{Mention(bob)} {marker}");
        var email = await smtp.WaitForAsync(bob.User!.Email!, marker);
        var link = new Uri(server.Url, UnsubscribeLink().Match(email.Text).Value[PublicBaseUrl.Length..].TrimStart('/'));

        using var anonymous = new HttpClient();
        var page = await anonymous.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<form method=\"post\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Following the link alone changes nothing (link scanners follow links).
        using var http = Http(server, bob);
        Assert.Contains("\"email\":\"mentions\"", await http.GetStringAsync("api/v1/users/me/notification-preferences"), StringComparison.Ordinal);

        var forged = new Uri(server.Url, "api/v1/notifications/unsubscribe?token=" + link.Query[7..^4] + "AAAA");
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsync(forged, null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsync(link, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]))).StatusCode);
        Assert.Contains("\"email\":\"none\"", await http.GetStringAsync("api/v1/users/me/notification-preferences"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preferences_are_validated_and_read_back()
    {
        var smtp = await SmtpSink.GetSharedAsync();
        await using var server = await StartAsync(smtp, TimeSpan.FromSeconds(1));
        var room = await ChatRoom.CreateAsync(server, 0);
        using var http = Http(server, room.Owner);

        var bad = await http.PutAsync("api/v1/users/me/notification-preferences", Json("""{"email":"sometimes"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PutAsync("api/v1/users/me/notification-preferences", Json("""{"muted_channels":["nope"]}"""))).StatusCode);

        var put = await http.PutAsync("api/v1/users/me/notification-preferences", Json($$"""{"email":"all","muted_channels":["{{room.Channel.Id}}"]}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var saved = JsonDocument.Parse(await http.GetStringAsync("api/v1/users/me/notification-preferences"));
        Assert.Equal("all", saved.RootElement.GetProperty("email").GetString());
        Assert.Equal([room.Channel.Id], saved.RootElement.GetProperty("muted_channels").EnumerateArray().Select(c => c.GetString()));
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Someone_in_their_quiet_hours_gets_no_email_while_someone_outside_theirs_does(TestStorage storage)
    {
        var smtp = await SmtpSink.GetSharedAsync();
        await using var server = await StartAsync(smtp, TimeSpan.FromSeconds(1), storage);
        var room = await ChatRoom.CreateAsync(server, 2);
        var (bob, carol) = (room.Members[0], room.Members[1]);
        // Bob's quiet hours surround this moment in Tokyo's time (UTC+9, no daylight saving); Carol's are twelve hours away.
        var tokyo = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));
        string At(int hours) => tokyo.AddHours(hours).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        using (var http = Http(server, bob))
        {
            var put = await http.PutAsync("api/v1/users/me/notification-preferences", Json($$$"""{"quiet_hours":{"start":"{{{At(-1)}}}","end":"{{{At(1)}}}","time_zone":"Asia/Tokyo"}}"""));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            using var saved = JsonDocument.Parse(await http.GetStringAsync("api/v1/users/me/notification-preferences"));
            Assert.Equal("Asia/Tokyo", saved.RootElement.GetProperty("quiet_hours").GetProperty("time_zone").GetString());
            Assert.Equal(At(-1), saved.RootElement.GetProperty("quiet_hours").GetProperty("start").GetString());
            Assert.Equal("mentions", saved.RootElement.GetProperty("email").GetString());
        }
        using (var http = Http(server, carol))
        {
            var put = await http.PutAsync("api/v1/users/me/notification-preferences", Json($$$"""{"quiet_hours":{"start":"{{{At(11)}}}","end":"{{{At(13)}}}","time_zone":"Asia/Tokyo"}}"""));
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var marker = Marker();
        await room.PostAsync($"{Mention(bob)} {Mention(carol)} the release is out {marker}");
        await smtp.WaitForAsync(carol.User!.Email!, marker);
        // Carol's email came from the round that saw the mention of both: Bob, in his quiet hours, got nothing.
        Assert.Empty(smtp.To(bob.User!.Email!));

        // An empty object removes the window, and the next mention reaches Bob.
        using (var http = Http(server, bob))
        {
            Assert.Equal(HttpStatusCode.OK, (await http.PutAsync("api/v1/users/me/notification-preferences", Json("""{"quiet_hours":{}}"""))).StatusCode);
            using var saved = JsonDocument.Parse(await http.GetStringAsync("api/v1/users/me/notification-preferences"));
            Assert.False(saved.RootElement.TryGetProperty("quiet_hours", out var quiet) && quiet.ValueKind != JsonValueKind.Null);
        }
        var after = Marker();
        await room.PostAsync($"{Mention(bob)} now that you are back {after}");
        await smtp.WaitForAsync(bob.User.Email!, after);
        Assert.DoesNotContain(smtp.To(bob.User.Email!), e => e.Text.Contains(marker, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"quiet_hours":{"start":"22:00","end":"07:00"}}""")]
    [InlineData("""{"quiet_hours":{"start":"22:00","end":"07:00","time_zone":"Mars/Olympus"}}""")]
    [InlineData("""{"quiet_hours":{"start":"22:00","end":"22:00","time_zone":"UTC"}}""")]
    [InlineData("""{"quiet_hours":{"start":"10pm","end":"07:00","time_zone":"UTC"}}""")]
    [InlineData("""{"quiet_hours":{"start":"22:00","end":"7:00","time_zone":"UTC"}}""")]
    [InlineData("""{"quiet_hours":{"end":"07:00","time_zone":"UTC"}}""")]
    [InlineData("""{"quiet_hours":{"start":"22:00","end":"07:00","time_zone":"Europe/Berlin Europe/Paris"}}""")]
    public async Task Quiet_hours_that_cannot_work_are_refused_and_change_nothing(string body)
    {
        var smtp = await SmtpSink.GetSharedAsync();
        await using var server = await StartAsync(smtp, TimeSpan.FromSeconds(1));
        var room = await ChatRoom.CreateAsync(server, 0);
        using var http = Http(server, room.Owner);
        Assert.Equal(HttpStatusCode.OK, (await http.PutAsync("api/v1/users/me/notification-preferences", Json("""{"quiet_hours":{"start":"22:00","end":"07:00","time_zone":"Europe/Berlin"}}"""))).StatusCode);

        var bad = await http.PutAsync("api/v1/users/me/notification-preferences", Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("quiet_hours", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var saved = JsonDocument.Parse(await http.GetStringAsync("api/v1/users/me/notification-preferences"));
        Assert.Equal("22:00", saved.RootElement.GetProperty("quiet_hours").GetProperty("start").GetString());
        Assert.Equal("Europe/Berlin", saved.RootElement.GetProperty("quiet_hours").GetProperty("time_zone").GetString());
    }

    [Theory]
    [InlineData("22:00", "07:00", "2026-12-04T21:59:00Z", false)]
    [InlineData("22:00", "07:00", "2026-12-04T22:00:00Z", true)]
    [InlineData("22:00", "07:00", "2026-12-05T03:00:00Z", true)]
    [InlineData("22:00", "07:00", "2026-12-05T07:00:00Z", false)]
    [InlineData("09:00", "17:00", "2026-12-04T12:00:00Z", true)]
    [InlineData("09:00", "17:00", "2026-12-04T17:00:00Z", false)]
    [InlineData("09:00", "17:00", "2026-12-04T08:59:00Z", false)]
    public void Quiet_hours_hold_from_start_to_end_spanning_midnight_when_start_is_later(string start, string end, string at, bool quiet) =>
        Assert.Equal(quiet, new QuietHours(TimeOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), TimeOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture), "UTC")
            .Contains(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Quiet_hours_are_read_in_their_own_time_zone_and_survive_their_stored_form()
    {
        // 22:00–07:00 in Berlin (UTC+1 in December): 21:30 UTC is 22:30 there.
        var berlin = new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 0), "Europe/Berlin");
        Assert.True(berlin.Contains(DateTimeOffset.Parse("2026-12-04T21:30:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.False(berlin.Contains(DateTimeOffset.Parse("2026-12-04T20:30:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(berlin, QuietHours.Parse(berlin.ToString()));
        Assert.Null(QuietHours.Parse("22:00 07:00"));
    }

    [Fact]
    public async Task A_restarted_server_does_not_email_again()
    {
        var smtp = await SmtpSink.GetSharedAsync();
        var settings = await TestServer.SettingsForAsync(TestStorage.Sqlite);
        var first = Marker();
        string address, workspaceId, channelId, bobId;
        TanagerClient owner;
        await using (var server = await StartAsync(smtp, TimeSpan.FromSeconds(1), settings: settings))
        {
            var room = await ChatRoom.CreateAsync(server, 1);
            (address, workspaceId, channelId, bobId, owner) = (room.Members[0].User!.Email!, room.Workspace.Id, room.Channel.Id, room.Members[0].User!.Id, room.Owner);
            await room.PostAsync($"<@{bobId}> before the restart {first}");
            await smtp.WaitForAsync(address, first);
        }

        await using var again = await StartAsync(smtp, TimeSpan.FromSeconds(1), settings: settings);
        var ownerAgain = await TanagerClient.LoginAsync(again.Url, owner.User!.Email!, "correct horse battery");
        var second = Marker();
        await ownerAgain.PostMessageAsync(workspaceId, channelId, $"<@{bobId}> after the restart {second}");
        await smtp.WaitForAsync(address, second);
        Assert.Single(smtp.To(address), e => e.Text.Contains(first, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_nodes_on_one_store_email_a_mention_once()
    {
        var smtp = await SmtpSink.GetSharedAsync();
        var settings = await TestServer.SettingsForAsync(TestStorage.Sqlite);
        await using var first = await StartAsync(smtp, TimeSpan.FromSeconds(1), settings: settings);
        await using var second = await StartAsync(smtp, TimeSpan.FromSeconds(1), settings: settings);
        var room = await ChatRoom.CreateAsync(first, 1);
        var bob = room.Members[0];
        var address = bob.User!.Email!;

        // Both nodes' notifiers poll every 200 ms and see the same due messages; the cursor's compare-and-set lets one send.
        var markers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            markers.Add(Marker());
            await room.PostAsync($"{Mention(bob)} mention {markers[^1]}");
            await smtp.WaitForAsync(address, markers[^1]);
        }
        var later = Marker();
        await room.PostAsync($"{Mention(bob)} a last one {later}");
        await smtp.WaitForAsync(address, later);
        foreach (var marker in markers)
        {
            Assert.Single(smtp.To(address), e => e.Text.Contains(marker, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Email_settings_that_cannot_work_stop_the_server_at_start()
    {
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => TestServer.StartAsync(o =>
        {
            o.Email.SmtpHost = "smtp.example.com";
            o.Email.SmtpUser = "tanager";
            o.Email.From = "not an address";
            o.Email.PollInterval = TimeSpan.Zero;
        }));
        var message = string.Join("\n", failure.Failures);
        Assert.Contains("Email:PublicBaseUrl must be", message, StringComparison.Ordinal);
        Assert.Contains("SmtpUser and SmtpPassword must be set together", message, StringComparison.Ordinal);
        Assert.Contains("Email:From must be", message, StringComparison.Ordinal);
        Assert.Contains("Email:PollInterval must be", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_reads_email_settings_from_configuration_and_is_silent_without_them()
    {
        await using (var off = await TestServer.StartAsync())
        {
            Assert.False(off.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TanagerOptions>>().Value.Email.Enabled);
        }
        await using var server = await TestServer.StartAsync(TestServer.InMemorySettings(), configuration: new Dictionary<string, string?>
        {
            ["Tanager:Email:SmtpHost"] = "127.0.0.1",
            ["Tanager:Email:SmtpPort"] = "2525",
            ["Tanager:Email:SmtpSecurity"] = "Tls",
            ["Tanager:Email:PublicBaseUrl"] = PublicBaseUrl,
            ["Tanager:Email:Delay"] = "00:00:30",
        });
        var email = server.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TanagerOptions>>().Value.Email;
        Assert.True(email.Enabled);
        Assert.Equal((2525, SmtpSecurity.Tls, TimeSpan.FromSeconds(30)), (email.SmtpPort, email.SmtpSecurity, email.Delay));
    }

    private static string Marker() => "m" + Guid.NewGuid().ToString("N")[..12];

    private static HttpClient Http(TestServer server, TanagerClient user)
    {
        var http = new HttpClient { BaseAddress = server.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        return http;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [GeneratedRegex(@"http://chat\.tanager\.test/api/v1/notifications/unsubscribe\?token=[A-Za-z0-9_-]+")]
    private static partial Regex UnsubscribeLink();
}
