using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>Two-factor sign-in for the signed-in account: enrol an authenticator, confirm it, turn it off.</summary>
public sealed partial class TanagerClient
{
    /// <summary>Whether your account signs in with a second factor, and how many recovery codes are left.</summary>
    public Task<TwoFactorStatusDto> GetTwoFactorStatusAsync(CancellationToken cancellationToken = default) =>
        GetAsync("auth/two-factor", TanagerJsonContext.Default.TwoFactorStatusDto, cancellationToken);

    /// <summary>
    /// Starts enrolling an authenticator app: its secret, <c>otpauth://</c> URI and QR code (SVG), shown this once. Sign-in
    /// is unchanged until <see cref="ConfirmTwoFactorAsync"/>.
    /// </summary>
    public Task<TwoFactorEnrollmentDto> BeginTwoFactorEnrollmentAsync(CancellationToken cancellationToken = default) =>
        SendAsync<object, TwoFactorEnrollmentDto>(HttpMethod.Post, "auth/two-factor", null, null, TanagerJsonContext.Default.TwoFactorEnrollmentDto, cancellationToken)!;

    /// <summary>Turns two-factor sign-in on with the app's first code; returns the ten recovery codes, shown this once.</summary>
    public Task<RecoveryCodesDto> ConfirmTwoFactorAsync(string code, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "auth/two-factor/confirm", new TwoFactorCodeRequest { Code = code }, TanagerJsonContext.Default.TwoFactorCodeRequest, TanagerJsonContext.Default.RecoveryCodesDto, cancellationToken);

    /// <summary>Turns two-factor sign-in off: your password and a current code, or a recovery code in place of the code.</summary>
    public Task DisableTwoFactorAsync(string password, string? code, string? recoveryCode = null, CancellationToken cancellationToken = default) =>
        SendAsync<TwoFactorCodeRequest, object>(HttpMethod.Post, "auth/two-factor/disable", new TwoFactorCodeRequest { Password = password, Code = code, RecoveryCode = recoveryCode }, TanagerJsonContext.Default.TwoFactorCodeRequest, null, cancellationToken);
}
