using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// Issue 12, done-when 2: single sign-on against a real OpenID Connect provider (npm oidc-provider) started by the test
/// run. A browser is played by an HttpClient with cookies that follows redirects one at a time, so that a test can alter
/// what a browser or an attacker could alter: the authorization request, the callback, the cookies.
/// </summary>
public sealed partial class SingleSignOnTests
{
    private const string Password = "correct horse battery";

    [Theory]
    [InlineData(TestStorage.InMemory)]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_new_user_signs_in_and_a_second_sign_in_finds_the_same_user(TestStorage storage)
    {
        var provider = await OidcProvider.GetSharedAsync();
        await using var server = await TestServer.StartAsync(storage, o => AddProvider(o, "corp", provider.Issuer));
        var subject = NewSubject();
        var email = $"{subject}@example.test";

        using var first = new SsoBrowser(server);
        var answer = await first.SignInAsync("corp", Hint(subject, email, verified: true, "Ada Lovelace"));
        // The provider offers pushed authorization requests (RFC 9126), so the handler sent the request's parameters
        // (PKCE challenge, nonce) to it directly: the browser carries only a reference to them.
        var authorize = Query(first.AuthorizationRequest!);
        Assert.StartsWith("urn:ietf:params:oauth:request_uri:", authorize["request_uri"], StringComparison.Ordinal);
        Assert.False(authorize.ContainsKey("nonce"));
        var code = SsoBrowser.CodeFrom(answer);
        var (token, user) = await first.ExchangeAsync(code);
        Assert.Equal(email, user.Email);
        Assert.Equal("Ada Lovelace", user.DisplayName);
        Assert.StartsWith("tgr_", token, StringComparison.Ordinal);
        Assert.Equal(user.Id, (await first.GetMeAsync(token)).Id);
        // The code works once.
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.TryExchangeAsync(code)).StatusCode);

        using var second = new SsoBrowser(server);
        var (_, again) = await second.ExchangeAsync(SsoBrowser.CodeFrom(await second.SignInAsync("corp", Hint(subject, email, verified: true, "Ada Lovelace"))));
        Assert.Equal(user.Id, again.Id);

        // The account has no password: a password login fails exactly as a wrong password does.
        using var login = await first.Http.PostAsync(new Uri(server.Url, "api/v1/auth/login"), Json($$"""{"email":"{{email}}","password":"{{Password}}"}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Equal(ErrorCodes.InvalidCredentials, await ProblemCodeAsync(login));
    }

    [Fact]
    public async Task A_tampered_state_is_refused()
    {
        var provider = await OidcProvider.GetSharedAsync();
        await using var server = await TestServer.StartAsync(o => AddProvider(o, "corp", provider.Issuer));
        using var browser = new SsoBrowser(server)
        {
            TamperCallback = callback => Replace(callback, "state", s => Flip(s)),
        };
        var answer = await browser.SignInAsync("corp", Hint(NewSubject(), null, verified: false, "Mallory"));
        await AssertRefusedAsync(answer);
    }

    [Fact]
    public async Task A_callback_without_the_browsers_correlation_cookie_is_refused()
    {
        // Login CSRF: an attacker's own authorization response delivered to a victim's browser, which never started it.
        var provider = await OidcProvider.GetSharedAsync();
        await using var server = await TestServer.StartAsync(o => AddProvider(o, "corp", provider.Issuer));
        using var browser = new SsoBrowser(server);
        browser.BeforeCallback = browser.ForgetTanagerCookies;
        var answer = await browser.SignInAsync("corp", Hint(NewSubject(), null, verified: false, "Mallory"));
        await AssertRefusedAsync(answer);
    }

    [Fact]
    public async Task A_tampered_nonce_is_refused()
    {
        // The provider signs an id token with the nonce it was sent; it no longer matches the browser's nonce cookie.
        var provider = await OidcProvider.GetSharedAsync();
        await using var server = await TestServer.StartAsync(o => AddProvider(o, "corp", provider.FrontChannelIssuer));
        using var browser = new SsoBrowser(server)
        {
            TamperAuthorization = request => Replace(request, "nonce", _ => "attacker-chosen-nonce-0123456789"),
        };
        var answer = await browser.SignInAsync("corp", Hint(NewSubject(), null, verified: false, "Mallory"));
        await AssertRefusedAsync(answer);
    }

    [Fact]
    public async Task A_tampered_pkce_challenge_is_refused_at_the_token_endpoint()
    {
        // The provider is given the challenge of another verifier (as when an attacker who stole the code tries to
        // redeem it with a verifier of their own): the handler's real verifier no longer matches, and the code is refused.
        var provider = await OidcProvider.GetSharedAsync();
        await using var server = await TestServer.StartAsync(o => AddProvider(o, "corp", provider.FrontChannelIssuer));
        var otherVerifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        using var browser = new SsoBrowser(server)
        {
            TamperAuthorization = request => Replace(request, "code_challenge", _ => Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(otherVerifier)))),
        };
        var answer = await browser.SignInAsync("corp", Hint(NewSubject(), null, verified: false, "Mallory"));
        // Without pushed authorization requests the handler's authorization code request carried PKCE (S256), a state and a nonce.
        var authorize = Query(browser.AuthorizationRequest!);
        Assert.Equal("code", authorize["response_type"]);
        Assert.Equal("S256", authorize["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(authorize["state"]));
        Assert.False(string.IsNullOrEmpty(authorize["nonce"]));
        await AssertRefusedAsync(answer);
    }

    [Fact]
    public async Task A_provider_whose_discovery_document_names_another_issuer_is_refused()
    {
        var provider = await OidcProvider.GetSharedAsync();
        await using var server = await TestServer.StartAsync(o => AddProvider(o, "lookalike", provider.WrongIssuer));
        using var browser = new SsoBrowser(server);
        var answer = await browser.SignInAsync("lookalike", Hint(NewSubject(), null, verified: false, "Mallory"));
        await AssertRefusedAsync(answer);
    }

    [Fact]
    public async Task Invite_only_registration_refuses_a_new_sso_user_but_not_a_linked_one()
    {
        var provider = await OidcProvider.GetSharedAsync();
        await using var server = await TestServer.StartAsync(o =>
        {
            AddProvider(o, "corp", provider.Issuer);
            o.Registration = RegistrationPolicy.InviteOnly;
        });
        // The first account on a fresh server may register even when invite-only; this one is a password account.
        await using var owner = await server.NewUserAsync("Owner");
        using var browser = new SsoBrowser(server);
        var answer = await browser.SignInAsync("corp", Hint(NewSubject(), $"{Guid.NewGuid():N}@example.test", verified: true, "Stranger"));
        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.Equal(ErrorCodes.RegistrationClosed, await ProblemCodeAsync(answer));

        // The owner's verified email is an existing account: it is linked, not registered.
        using var ownerBrowser = new SsoBrowser(server);
        var (_, linked) = await ownerBrowser.ExchangeAsync(SsoBrowser.CodeFrom(
            await ownerBrowser.SignInAsync("corp", Hint(NewSubject(), owner.User!.Email!, verified: true, "Owner"))));
        Assert.Equal(owner.User.Id, linked.Id);
    }

    [Fact]
    public async Task An_unverified_email_does_not_link_to_an_existing_account_and_a_verified_one_does()
    {
        var provider = await OidcProvider.GetSharedAsync();
        await using var server = await TestServer.StartAsync(o => AddProvider(o, "corp", provider.Issuer));
        await using var victim = await server.NewUserAsync("Victim");
        var email = victim.User!.Email!;

        using var attacker = new SsoBrowser(server);
        var (_, stranger) = await attacker.ExchangeAsync(SsoBrowser.CodeFrom(await attacker.SignInAsync("corp", Hint(NewSubject(), email, verified: false, "Victim"))));
        Assert.NotEqual(victim.User.Id, stranger.Id);
        // The unvouched-for address is not even given to the new account, so it cannot block its owner either.
        Assert.NotEqual(email, stranger.Email, StringComparer.OrdinalIgnoreCase);

        using var owner = new SsoBrowser(server);
        var (_, same) = await owner.ExchangeAsync(SsoBrowser.CodeFrom(await owner.SignInAsync("corp", Hint(NewSubject(), email, verified: true, "Victim"))));
        Assert.Equal(victim.User.Id, same.Id);
    }

    [Fact]
    public async Task A_signed_in_user_links_a_provider_account_with_a_single_use_ticket()
    {
        var provider = await OidcProvider.GetSharedAsync();
        await using var server = await TestServer.StartAsync(o => AddProvider(o, "corp", provider.Issuer));
        await using var member = await server.NewUserAsync("Member");
        using var browser = new SsoBrowser(server);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Url, "api/v1/auth/sso/corp/link"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", member.Token);
        using var linkAnswer = await browser.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, linkAnswer.StatusCode);
        var link = JsonSerializer.Deserialize(await linkAnswer.Content.ReadAsStringAsync(), TanagerJsonContext.Default.SsoLinkDto)!;
        var start = new Uri(server.Url, link.Url.TrimStart('/') + "&return_to=%2Fapp");

        // A different email at the provider, not even verified: the signed-in session is what links it.
        var subject = NewSubject();
        var hint = Hint(subject, $"{subject}@elsewhere.test", verified: false, "Member");
        var (_, linked) = await browser.ExchangeAsync(SsoBrowser.CodeFrom(await browser.SignInAsync(start, hint)));
        Assert.Equal(member.User!.Id, linked.Id);

        // The ticket was used up by the first start.
        using var reuse = await browser.Http.GetAsync(start);
        Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);

        // From now on the provider account signs in as the member.
        using var later = new SsoBrowser(server);
        var (_, again) = await later.ExchangeAsync(SsoBrowser.CodeFrom(await later.SignInAsync("corp", hint)));
        Assert.Equal(member.User.Id, again.Id);
    }

    [Theory]
    [InlineData("https://evil.example/steal", HttpStatusCode.Forbidden)]
    [InlineData("//evil.example/steal", HttpStatusCode.BadRequest)]
    [InlineData("/\\evil.example/steal", HttpStatusCode.BadRequest)]
    [InlineData("javascript:alert(1)", HttpStatusCode.BadRequest)]
    [InlineData("https://allowed.example@evil.example/", HttpStatusCode.BadRequest)]
    public async Task A_return_address_off_the_allowed_origins_is_refused_before_the_provider_is_asked(string returnTo, HttpStatusCode expected)
    {
        var provider = await OidcProvider.GetSharedAsync();
        await using var server = await TestServer.StartAsync(o =>
        {
            AddProvider(o, "corp", provider.Issuer);
            o.AllowedOrigins.Add("https://allowed.example");
        });
        using var browser = new SsoBrowser(server);
        using var answer = await browser.Http.GetAsync(new Uri(server.Url, $"api/v1/auth/sso/corp/start?return_to={Uri.EscapeDataString(returnTo)}"));
        Assert.Equal(expected, answer.StatusCode);

        // An allowed origin, and the server's own, are fine.
        using var allowed = await browser.Http.GetAsync(new Uri(server.Url, $"api/v1/auth/sso/corp/start?return_to={Uri.EscapeDataString("https://allowed.example/app")}"));
        Assert.Equal(HttpStatusCode.Found, allowed.StatusCode);
        Assert.StartsWith(provider.Issuer, allowed.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_providers_are_listed_and_an_unknown_provider_is_not_found()
    {
        var provider = await OidcProvider.GetSharedAsync();
        await using var server = await TestServer.StartAsync(o =>
        {
            AddProvider(o, "corp", provider.Issuer);
            o.Sso.Providers.Add(new SsoProviderOptions { Name = "github", Kind = SsoProviderKind.GitHub, DisplayName = "GitHub", ClientId = "id", ClientSecret = "secret" });
        });
        using var http = new HttpClient();
        var providers = JsonSerializer.Deserialize(await http.GetStringAsync(new Uri(server.Url, "api/v1/auth/sso/providers")), TanagerJsonContext.Default.IReadOnlyListSsoProviderDto)!;
        Assert.Equal(["corp", "github"], providers.Select(p => p.Name));
        Assert.Equal("GitHub", providers[1].DisplayName);
        using var unknown = await http.GetAsync(new Uri(server.Url, "api/v1/auth/sso/nobody/start?return_to=%2F"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Tanager_serve_reads_its_providers_from_configuration()
    {
        var provider = await OidcProvider.GetSharedAsync();
        var settings = TestServer.InMemorySettings();
        // As TANAGER_Tanager__Sso__Providers__0__Name=corp and so on would in the environment.
        await using var server = await TestServer.StartAsync(settings, configuration: new Dictionary<string, string?>
        {
            ["Tanager:Sso:Providers:0:Name"] = "corp",
            ["Tanager:Sso:Providers:0:Kind"] = "oidc",
            ["Tanager:Sso:Providers:0:Issuer"] = provider.Issuer,
            ["Tanager:Sso:Providers:0:ClientId"] = OidcProvider.ClientId,
            ["Tanager:Sso:Providers:0:ClientSecret"] = OidcProvider.ClientSecret,
            ["Tanager:Sso:Providers:0:Scopes:0"] = "offline_access",
            ["Tanager:Sso:Providers:1:Name"] = "gitlab",
            ["Tanager:Sso:Providers:1:Kind"] = "GitLab",
            ["Tanager:Sso:Providers:1:DisplayName"] = "GitLab",
            // A self-managed GitLab that is down.
            ["Tanager:Sso:Providers:1:Issuer"] = $"http://127.0.0.1:{Ports.Free()}",
            ["Tanager:Sso:Providers:1:ClientId"] = "id",
            ["Tanager:Sso:Providers:1:ClientSecret"] = "secret",
        });
        using var http = new HttpClient();
        var providers = JsonSerializer.Deserialize(await http.GetStringAsync(new Uri(server.Url, "api/v1/auth/sso/providers")), TanagerJsonContext.Default.IReadOnlyListSsoProviderDto)!;
        Assert.Equal(["corp", "gitlab"], providers.Select(p => p.Name));
        using var browser = new SsoBrowser(server);
        var (_, user) = await browser.ExchangeAsync(SsoBrowser.CodeFrom(await browser.SignInAsync("corp", Hint(NewSubject(), null, verified: false, "Configured"))));
        Assert.Equal("Configured", user.DisplayName);
        // A provider that cannot be reached is a problem document, not a crash.
        using var start = await browser.Http.GetAsync(new Uri(server.Url, "api/v1/auth/sso/gitlab/start?return_to=%2F"));
        Assert.Equal(HttpStatusCode.BadGateway, start.StatusCode);
        Assert.Equal(ErrorCodes.SsoProviderUnreachable, await ProblemCodeAsync(start));
    }

    [Fact]
    public async Task A_provider_that_cannot_work_or_would_work_insecurely_stops_the_server_at_start()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServer.StartAsync(o =>
        {
            o.Sso.Providers.Add(new SsoProviderOptions { Name = "Corp Login", Issuer = "http://idp.example", ClientId = "id" });
            o.Sso.Providers.Add(new SsoProviderOptions { Name = "dup", Kind = SsoProviderKind.Google, ClientId = "id", ClientSecret = "s" });
            o.Sso.Providers.Add(new SsoProviderOptions { Name = "dup", Kind = SsoProviderKind.GitHub, ClientId = "id", ClientSecret = "s" });
            o.Sso.Providers.Add(new SsoProviderOptions { Name = "no-issuer", ClientId = "id", ClientSecret = "s" });
        }));
        var message = string.Join("\n", failure.Failures);
        Assert.Contains("Providers:0:Name must be", message, StringComparison.Ordinal);
        Assert.Contains("Providers:0:ClientSecret is required", message, StringComparison.Ordinal);
        Assert.Contains("Providers:0:Issuer must be an https URL", message, StringComparison.Ordinal);
        Assert.Contains("Providers:2:Name 'dup' is used by another provider", message, StringComparison.Ordinal);
        Assert.Contains("Providers:3:Issuer is required", message, StringComparison.Ordinal);
    }

    private static void AddProvider(TanagerOptions options, string name, string issuer) =>
        options.Sso.Providers.Add(new SsoProviderOptions
        {
            Name = name,
            DisplayName = "Corporate sign-in",
            Issuer = issuer,
            ClientId = OidcProvider.ClientId,
            ClientSecret = OidcProvider.ClientSecret,
        });

    private static async Task AssertRefusedAsync(HttpResponseMessage answer)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Equal(ErrorCodes.SsoFailed, await ProblemCodeAsync(answer));
    }

    private static async Task<string?> ProblemCodeAsync(HttpResponseMessage answer)
    {
        using var problem = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        return problem.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
    }

    private static string NewSubject() => "u" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The test provider's account: subject, email, whether it is verified, and name.</summary>
    private static string Hint(string subject, string? email, bool verified, string name) =>
        $"{subject}~{email}~{(verified ? "true" : "false")}~{name}";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Flip(string value) => value[..^1] + (value[^1] == 'A' ? 'B' : 'A');

    private static Dictionary<string, string> Query(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1].Replace('+', ' ')) : "", StringComparer.Ordinal);

    private static Uri Replace(Uri uri, string name, Func<string, string> change)
    {
        var query = Query(uri);
        Assert.True(query.ContainsKey(name), $"{uri} has no {name}");
        query[name] = change(query[name]);
        var builder = new UriBuilder(uri) { Query = string.Join('&', query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}")) };
        return builder.Uri;
    }

    /// <summary>A browser: cookies kept per host, redirects followed one at a time.</summary>
    private sealed class SsoBrowser : IDisposable
    {
        private readonly TestServer _server;
        private readonly CookieContainer _cookies = new();
        private readonly HttpClientHandler _handler;

        public SsoBrowser(TestServer server)
        {
            _server = server;
            _handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = _cookies, UseCookies = true };
            Http = new HttpClient(_handler);
        }

        public HttpClient Http { get; }
        public Uri? AuthorizationRequest { get; private set; }
        public Func<Uri, Uri>? TamperAuthorization { get; init; }
        public Func<Uri, Uri>? TamperCallback { get; init; }
        public Action? BeforeCallback { get; set; }

        public Task<HttpResponseMessage> SignInAsync(string provider, string hint) =>
            SignInAsync(new Uri(_server.Url, $"api/v1/auth/sso/{provider}/start?return_to=%2Fapp"), hint);

        /// <summary>Starts at <paramref name="start"/> and returns Tanager's answer at its callback.</summary>
        public async Task<HttpResponseMessage> SignInAsync(Uri start, string hint)
        {
            using var started = await Http.GetAsync(start);
            Assert.True(started.StatusCode == HttpStatusCode.Found, $"start answered {(int)started.StatusCode}: {await started.Content.ReadAsStringAsync()}");
            AuthorizationRequest = started.Headers.Location!;
            // The test provider signs in whoever this cookie names, as a real one would after its login page.
            _cookies.Add(new Cookie("test_account", Uri.EscapeDataString(hint), "/", AuthorizationRequest.Host));
            var next = TamperAuthorization?.Invoke(AuthorizationRequest) ?? AuthorizationRequest;
            for (var hop = 0; hop < 10; hop++)
            {
                if (next.AbsolutePath.EndsWith("/callback", StringComparison.Ordinal) && next.Authority == _server.Url.Authority)
                {
                    BeforeCallback?.Invoke();
                    return await Http.GetAsync(TamperCallback?.Invoke(next) ?? next);
                }
                using var answer = await Http.GetAsync(next);
                Assert.True(answer.StatusCode is HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.Redirect,
                    $"{next} answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
                next = new Uri(next, answer.Headers.Location!);
            }
            throw new InvalidOperationException("Too many redirects.");
        }

        /// <summary>Drops the cookies this browser holds for Tanager (the correlation and nonce cookies).</summary>
        public void ForgetTanagerCookies()
        {
            foreach (Cookie cookie in _cookies.GetAllCookies())
            {
                if (cookie.Port.Length == 0 && _server.Url.Host == cookie.Domain && cookie.Name.StartsWith(".AspNetCore.", StringComparison.Ordinal))
                {
                    cookie.Expired = true;
                }
            }
        }

        public static string CodeFrom(HttpResponseMessage answer)
        {
            var body = answer.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            Assert.True(answer.StatusCode == HttpStatusCode.Found, $"callback answered {(int)answer.StatusCode}: {body}");
            var location = answer.Headers.Location!.ToString();
            Assert.StartsWith("/app#sso_code=", location, StringComparison.Ordinal);
            return Uri.UnescapeDataString(location["/app#sso_code=".Length..]);
        }

        public async Task<HttpResponseMessage> TryExchangeAsync(string code) =>
            await Http.PostAsync(new Uri(_server.Url, "api/v1/auth/sso/exchange"), Json(JsonSerializer.Serialize(new SsoExchangeRequest { Code = code }, TanagerJsonContext.Default.SsoExchangeRequest)));

        public async Task<(string Token, UserDto User)> ExchangeAsync(string code)
        {
            using var answer = await TryExchangeAsync(code);
            var body = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"exchange answered {(int)answer.StatusCode}: {body}");
            var session = JsonSerializer.Deserialize(body, TanagerJsonContext.Default.SessionResponse)!;
            return (session.Token, session.User);
        }

        public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, string? json = null)
        {
            using var request = new HttpRequestMessage(method, new Uri(_server.Url, "api/v1/" + path)) { Content = json is null ? null : Json(json) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return await Http.SendAsync(request);
        }

        public async Task<UserDto> GetMeAsync(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.Url, "api/v1/users/me"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var answer = await Http.SendAsync(request);
            answer.EnsureSuccessStatusCode();
            return JsonSerializer.Deserialize(await answer.Content.ReadAsStringAsync(), TanagerJsonContext.Default.UserDto)!;
        }

        public void Dispose()
        {
            Http.Dispose();
            _handler.Dispose();
        }
    }
}
