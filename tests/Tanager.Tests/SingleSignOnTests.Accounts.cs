using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>Single sign-on and the account: the second factor after a provider's sign-in, linked providers, the audit log.</summary>
public sealed partial class SingleSignOnTests
{
    [Fact]
    public async Task An_account_with_two_factor_is_asked_for_its_code_after_single_sign_on_unless_the_provider_is_trusted_for_it()
    {
        var provider = await OidcProvider.GetSharedAsync();
        await using var server = await TestServer.StartAsync(o =>
        {
            AddProvider(o, "corp", provider.Issuer);
            AddProvider(o, "mfa", provider.Issuer);
            o.Sso.Providers[1].TrustProviderTwoFactor = true;
        });
        await using var admin = await server.NewUserAsync("Admin");
        await using var ann = await server.NewUserAsync("Ann");
        var (secret, _) = await TwoFactorTests.EnrolAsync(ann);
        var hint = Hint(NewSubject(), ann.User!.Email, verified: true, "Ann");

        // Through an untrusted provider the exchange answers as a right password does: a challenge, no token.
        using var browser = new SsoBrowser(server);
        using var challenged = await browser.TryExchangeAsync(SsoBrowser.CodeFrom(await browser.SignInAsync("corp", hint)));
        Assert.Equal(HttpStatusCode.Unauthorized, challenged.StatusCode);
        using var problem = JsonDocument.Parse(await challenged.Content.ReadAsStringAsync());
        Assert.Equal(ErrorCodes.TwoFactorRequired, problem.RootElement.GetProperty("code").GetString());
        Assert.False(problem.RootElement.TryGetProperty("token", out _));
        var challenge = problem.RootElement.GetProperty("challenge").GetString()!;
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, (await Assert.ThrowsAsync<TanagerApiException>(() => TanagerClient.CompleteLoginAsync(server.Url, challenge, "000000"))).Code);
        using var again = new SsoBrowser(server);
        using var second = await again.TryExchangeAsync(SsoBrowser.CodeFrom(await again.SignInAsync("corp", hint)));
        using var secondProblem = JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        await using (var signedIn = await TanagerClient.CompleteLoginAsync(server.Url, secondProblem.RootElement.GetProperty("challenge").GetString()!, TwoFactorTests.Code(secret, 1)))
        {
            Assert.Equal(ann.User.Id, (await signedIn.GetMeAsync()).Id);
        }

        // A provider trusted for its own multi-factor sign-in gives the session at once.
        using var trusted = new SsoBrowser(server);
        var (token, user) = await trusted.ExchangeAsync(SsoBrowser.CodeFrom(await trusted.SignInAsync("mfa", hint)));
        Assert.Equal(ann.User.Id, user.Id);
        Assert.StartsWith("tgr_", token, StringComparison.Ordinal);

        // The audit log tells each step, naming the provider.
        using var http = new HttpClient();
        using var audit = await TwoFactorTests.AdminAsync(http, server, admin.Token!, HttpMethod.Get, $"admin/audit?user={ann.User.Id}&limit=200");
        var events = (await audit.Content.ReadFromJsonAsync(TanagerJsonContext.Default.AuditPage))!.Events;
        Assert.Equal(2, events.Count(e => e.Kind == AuditEventKinds.ExternalLoginLinked));
        Assert.Contains(events, e => e.Kind == AuditEventKinds.ExternalLoginLinked && e.Detail == "corp (verified email)");
        Assert.Equal(2, events.Count(e => e.Kind == AuditEventKinds.LoginChallenged && e.Detail == "single sign-on (corp)"));
        Assert.Contains(events, e => e.Kind == AuditEventKinds.LoginSucceeded && e.Detail!.StartsWith("single sign-on (mfa)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Linked_providers_are_listed_and_unlinked_but_never_the_last_way_into_an_account()
    {
        var provider = await OidcProvider.GetSharedAsync();
        await using var server = await TestServer.StartAsync(o => AddProvider(o, "corp", provider.Issuer));
        await using var admin = await server.NewUserAsync("Admin");
        var subject = NewSubject();
        var email = $"{subject}@example.test";
        using var browser = new SsoBrowser(server);
        var (token, user) = await browser.ExchangeAsync(SsoBrowser.CodeFrom(await browser.SignInAsync("corp", Hint(subject, email, verified: true, "Grace"))));

        using (var links = await browser.SendAsync(HttpMethod.Get, "auth/sso/links", token))
        {
            Assert.Equal(HttpStatusCode.OK, links.StatusCode);
            var link = Assert.Single(JsonSerializer.Deserialize(await links.Content.ReadAsStringAsync(), TanagerJsonContext.Default.IReadOnlyListExternalLoginDto)!);
            Assert.Equal(("corp", "Corporate sign-in", email), (link.Provider, link.DisplayName, link.Email));
        }
        // The account has no password: its only provider cannot go.
        using (var last = await browser.SendAsync(HttpMethod.Delete, "auth/sso/corp/link", token))
        {
            Assert.Equal(HttpStatusCode.Conflict, last.StatusCode);
            Assert.Equal(ErrorCodes.LastSignInMethod, await ProblemCodeAsync(last));
        }
        using (var unknown = await browser.SendAsync(HttpMethod.Delete, "auth/sso/github/link", token))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
        // It sets its first password without a current one (there is none to give), and then may unlink.
        using (var wrongCurrent = await browser.SendAsync(HttpMethod.Post, "auth/password", token, """{"current_password":"a guess at nothing","new_password":"a fresh secret for grace"}"""))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrongCurrent.StatusCode);
        }
        using (var first = await browser.SendAsync(HttpMethod.Post, "auth/password", token, """{"new_password":"a fresh secret for grace"}"""))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }
        using (var unlinked = await browser.SendAsync(HttpMethod.Delete, "auth/sso/corp/link", token))
        {
            Assert.Equal(HttpStatusCode.NoContent, unlinked.StatusCode);
        }
        using (var none = await browser.SendAsync(HttpMethod.Get, "auth/sso/links", token))
        {
            Assert.Empty(JsonSerializer.Deserialize(await none.Content.ReadAsStringAsync(), TanagerJsonContext.Default.IReadOnlyListExternalLoginDto)!);
        }
        // Now a password only: once set, the password is required to change it.
        await using var byPassword = await TanagerClient.LoginAsync(server.Url, email, "a fresh secret for grace");
        Assert.Equal(user.Id, (await byPassword.GetMeAsync()).Id);
        using (var noCurrent = await browser.SendAsync(HttpMethod.Post, "auth/password", byPassword.Token!, """{"new_password":"another fresh secret"}"""))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noCurrent.StatusCode);
        }
        using var http = new HttpClient();
        using var audit = await TwoFactorTests.AdminAsync(http, server, admin.Token!, HttpMethod.Get, $"admin/audit?user={user.Id}");
        var events = (await audit.Content.ReadFromJsonAsync(TanagerJsonContext.Default.AuditPage))!.Events;
        Assert.Contains(events, e => e.Kind == AuditEventKinds.AccountCreated && e.Detail == "single sign-on (corp)");
        Assert.Contains(events, e => e.Kind == AuditEventKinds.ExternalLoginUnlinked && e.Detail == "corp");
        Assert.Contains(events, e => e.Kind == AuditEventKinds.PasswordChanged);
    }
}
