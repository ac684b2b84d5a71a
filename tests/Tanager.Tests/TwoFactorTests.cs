using System.Net;
using System.Text.Json;
using OtpNet;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// Issue 12, done-when 1: two-factor sign-in with an authenticator app (TOTP), against a real server. Codes are computed
/// here with Otp.NET, as an authenticator app computes them.
/// </summary>
public sealed class TwoFactorTests
{
    internal const string Password = "correct horse battery";

    [Theory]
    [InlineData(TestStorage.InMemory)]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task With_two_factor_on_a_password_alone_signs_nobody_in_and_a_code_works_once(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        await using var ann = await server.NewUserAsync("Ann");
        var (secret, _) = await EnrolAsync(ann);
        Assert.True((await ann.GetTwoFactorStatusAsync()).Enabled);

        // The password step answers 401 two_factor_required with a challenge, and no token.
        using var http = new HttpClient();
        using var passwordOnly = await http.PostAsync(new Uri(server.Url, "api/v1/auth/login"), SessionTests.JsonBody($$"""{"email":"{{ann.User!.Email}}","password":"{{Password}}"}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, passwordOnly.StatusCode);
        using var problem = JsonDocument.Parse(await passwordOnly.Content.ReadAsStringAsync());
        Assert.Equal(ErrorCodes.TwoFactorRequired, problem.RootElement.GetProperty("code").GetString());
        Assert.StartsWith("tgc_", problem.RootElement.GetProperty("challenge").GetString(), StringComparison.Ordinal);
        Assert.Equal(300, problem.RootElement.GetProperty("expires_in").GetInt32());
        Assert.False(problem.RootElement.TryGetProperty("token", out _));
        // The challenge is no bearer token.
        Assert.Equal(401, (await Assert.ThrowsAsync<TanagerApiException>(() => new TanagerClient(server.Url, problem.RootElement.GetProperty("challenge").GetString()).GetMeAsync())).Status);
        var required = await Assert.ThrowsAsync<TanagerTwoFactorRequiredException>(() => TanagerClient.LoginAsync(server.Url, ann.User.Email!, Password));
        Assert.Equal(401, required.Status);

        // Enrolment used this step's code, so the next step's (inside the ±1 window) signs in: once.
        var code = Code(secret, stepOffset: 1);
        await using (var signedIn = await TanagerClient.CompleteLoginAsync(server.Url, required.Challenge, code))
        {
            Assert.Equal(ann.User.Id, (await signedIn.GetMeAsync()).Id);
        }
        var replay = await Assert.ThrowsAsync<TanagerApiException>(() => TanagerClient.LoginAsync(server.Url, ann.User.Email!, Password, code));
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, replay.Code);
        // A challenge is used once, whatever the outcome.
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, (await Assert.ThrowsAsync<TanagerApiException>(() => TanagerClient.CompleteLoginAsync(server.Url, required.Challenge, Code(secret, 1)))).Code);
    }

    [Fact]
    public async Task A_wrong_code_a_code_from_another_window_and_a_wrong_password_all_fail()
    {
        await using var server = await TestServer.StartAsync();
        await using var ann = await server.NewUserAsync("Ann");
        var (secret, _) = await EnrolAsync(ann);

        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, (await Assert.ThrowsAsync<TanagerApiException>(() => TanagerClient.LoginAsync(server.Url, ann.User!.Email!, Password, "000000"))).Code);
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, (await Assert.ThrowsAsync<TanagerApiException>(() => TanagerClient.LoginAsync(server.Url, ann.User!.Email!, Password, Code(secret, 3)))).Code);
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, (await Assert.ThrowsAsync<TanagerApiException>(() => TanagerClient.LoginAsync(server.Url, ann.User!.Email!, Password, "not a code"))).Code);
        // A wrong password never reaches the code step.
        var wrongPassword = await Assert.ThrowsAsync<TanagerApiException>(() => TanagerClient.LoginAsync(server.Url, ann.User!.Email!, "wrong horse battery", Code(secret, 1)));
        Assert.Equal(ErrorCodes.InvalidCredentials, wrongPassword.Code);
        // After all that, the right code still works.
        await using var signedIn = await TanagerClient.LoginAsync(server.Url, ann.User!.Email!, Password, Code(secret, 1));
        Assert.NotNull(signedIn.Token);
    }

    [Fact]
    public async Task Each_recovery_code_signs_in_once_in_any_case_and_spacing()
    {
        await using var server = await TestServer.StartAsync();
        await using var ann = await server.NewUserAsync("Ann");
        var (_, recoveryCodes) = await EnrolAsync(ann);
        Assert.Equal(10, recoveryCodes.Count);
        Assert.Equal(10, recoveryCodes.Distinct().Count());

        var first = await Assert.ThrowsAsync<TanagerTwoFactorRequiredException>(() => TanagerClient.LoginAsync(server.Url, ann.User!.Email!, Password));
        await using (var signedIn = await TanagerClient.CompleteLoginWithRecoveryCodeAsync(server.Url, first.Challenge, " " + recoveryCodes[0].ToUpperInvariant().Replace('-', ' ') + " "))
        {
            Assert.Equal(ann.User!.Id, (await signedIn.GetMeAsync()).Id);
            Assert.Equal(9, (await signedIn.GetTwoFactorStatusAsync()).RecoveryCodesLeft);
        }
        var again = await Assert.ThrowsAsync<TanagerTwoFactorRequiredException>(() => TanagerClient.LoginAsync(server.Url, ann.User!.Email!, Password));
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, (await Assert.ThrowsAsync<TanagerApiException>(() => TanagerClient.CompleteLoginWithRecoveryCodeAsync(server.Url, again.Challenge, recoveryCodes[0]))).Code);
        var other = await Assert.ThrowsAsync<TanagerTwoFactorRequiredException>(() => TanagerClient.LoginAsync(server.Url, ann.User!.Email!, Password));
        await using var withAnother = await TanagerClient.CompleteLoginWithRecoveryCodeAsync(server.Url, other.Challenge, recoveryCodes[1]);
        Assert.NotNull(withAnother.Token);
    }

    [Fact]
    public async Task Turning_two_factor_off_needs_the_password_and_a_current_code()
    {
        await using var server = await TestServer.StartAsync();
        await using var ann = await server.NewUserAsync("Ann");
        var (secret, _) = await EnrolAsync(ann);
        var next = Code(secret, 1);

        Assert.Equal(ErrorCodes.InvalidCredentials, (await Assert.ThrowsAsync<TanagerApiException>(() => ann.DisableTwoFactorAsync("wrong horse battery", next))).Code);
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, (await Assert.ThrowsAsync<TanagerApiException>(() => ann.DisableTwoFactorAsync(Password, "123456"))).Code);
        Assert.Equal(400, (await Assert.ThrowsAsync<TanagerApiException>(() => ann.DisableTwoFactorAsync(Password, null))).Status);
        Assert.True((await ann.GetTwoFactorStatusAsync()).Enabled);

        await ann.DisableTwoFactorAsync(Password, next);

        Assert.False((await ann.GetTwoFactorStatusAsync()).Enabled);
        await using var passwordOnly = await TanagerClient.LoginAsync(server.Url, ann.User!.Email!, Password);
        Assert.NotNull(passwordOnly.Token);
        Assert.Equal(ErrorCodes.TwoFactorNotEnabled, (await Assert.ThrowsAsync<TanagerApiException>(() => ann.DisableTwoFactorAsync(Password, Code(secret, 0)))).Code);
    }

    [Fact]
    public async Task Enrolment_gives_a_secret_an_otpauth_uri_and_a_qr_code_and_changes_nothing_until_confirmed()
    {
        await using var server = await TestServer.StartAsync();
        await using var ann = await server.NewUserAsync("Ann");

        var enrolment = await ann.BeginTwoFactorEnrollmentAsync();

        Assert.Equal(32, enrolment.Secret.Length); // 160 bits in base32
        var uri = new Uri(enrolment.OtpauthUri);
        Assert.Equal("otpauth", uri.Scheme);
        Assert.Equal("totp", uri.Host);
        Assert.Contains($"secret={enrolment.Secret}", enrolment.OtpauthUri, StringComparison.Ordinal);
        Assert.Contains("issuer=Tanager", enrolment.OtpauthUri, StringComparison.Ordinal);
        Assert.StartsWith("<svg", enrolment.QrCodeSvg.TrimStart(), StringComparison.Ordinal);
        Assert.False((await ann.GetTwoFactorStatusAsync()).Enabled);
        await using (var stillPasswordOnly = await TanagerClient.LoginAsync(server.Url, ann.User!.Email!, Password))
        {
            Assert.NotNull(stillPasswordOnly.Token);
        }
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, (await Assert.ThrowsAsync<TanagerApiException>(() => ann.ConfirmTwoFactorAsync("000000"))).Code);

        // Starting again replaces the pending secret: only the new one confirms.
        var second = await ann.BeginTwoFactorEnrollmentAsync();
        Assert.NotEqual(enrolment.Secret, second.Secret);
        Assert.Equal(ErrorCodes.InvalidTwoFactorCode, (await Assert.ThrowsAsync<TanagerApiException>(() => ann.ConfirmTwoFactorAsync(Code(enrolment.Secret, 0)))).Code);
        await ann.ConfirmTwoFactorAsync(Code(second.Secret, 0));
        Assert.Equal(ErrorCodes.TwoFactorEnabled, (await Assert.ThrowsAsync<TanagerApiException>(() => ann.BeginTwoFactorEnrollmentAsync())).Code);
    }

    [Fact]
    public async Task The_command_line_and_the_admin_api_reset_a_lost_authenticator()
    {
        var settings = await TestServer.SettingsForAsync(TestStorage.Sqlite);
        await using var server = await TestServer.StartAsync(settings);
        await using var admin = await server.NewUserAsync("Admin");
        await using var ann = await server.NewUserAsync("Ann");
        await EnrolAsync(ann);
        await Assert.ThrowsAsync<TanagerTwoFactorRequiredException>(() => TanagerClient.LoginAsync(server.Url, ann.User!.Email!, Password));

        var output = await CommandLine.RunAsync("admin", "reset-2fa", "--data-dir", settings.DataDirectory, ann.User!.Email!);

        Assert.Contains($"{ann.User.Email} ({ann.User.Id}): two-factor sign-in removed", output, StringComparison.Ordinal);
        await using (var passwordOnly = await TanagerClient.LoginAsync(server.Url, ann.User.Email!, Password))
        {
            Assert.False((await passwordOnly.GetTwoFactorStatusAsync()).Enabled);
        }
        // Again over the admin API, after Ann enrols anew; a second reset has nothing to remove.
        await EnrolAsync(ann);
        using var http = new HttpClient();
        using (var reset = await AdminAsync(http, server, admin.Token!, HttpMethod.Delete, $"admin/users/{ann.User.Id}/two-factor"))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }
        using (var again = await AdminAsync(http, server, admin.Token!, HttpMethod.Delete, $"admin/users/{ann.User.Id}/two-factor"))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }
        using (var notAdmin = await AdminAsync(http, server, ann.Token!, HttpMethod.Delete, $"admin/users/{admin.User!.Id}/two-factor"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        }
        await using var afterReset = await TanagerClient.LoginAsync(server.Url, ann.User.Email!, Password);
        Assert.NotNull(afterReset.Token);
    }

    /// <summary>Enrols and confirms with the current step's code; returns the secret and the recovery codes.</summary>
    internal static async Task<(string Secret, IReadOnlyList<string> RecoveryCodes)> EnrolAsync(TanagerClient client)
    {
        var enrolment = await client.BeginTwoFactorEnrollmentAsync();
        var confirmed = await client.ConfirmTwoFactorAsync(Code(enrolment.Secret, 0));
        return (enrolment.Secret, confirmed.RecoveryCodes);
    }

    /// <summary>The authenticator's code for the current 30-second step plus <paramref name="stepOffset"/>.</summary>
    internal static string Code(string secret, int stepOffset) =>
        new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow.AddSeconds(30 * stepOffset));

    internal static Task<HttpResponseMessage> AdminAsync(HttpClient http, TestServer server, string token, HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(server.Url, "api/v1/" + path));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(request);
    }
}
