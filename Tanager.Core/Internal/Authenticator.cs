using System.Security.Cryptography;
using System.Text;
using OtpNet;
using QRCoder;

namespace Tanager.Internal;

/// <summary>
/// TOTP (RFC 6238) as every authenticator app does it: SHA-1, 6 digits, 30-second steps, a 160-bit secret (RFC 4226
/// §4 recommends 160 bits), codes accepted one step either side for clock drift (RFC 6238 §5.2's recommendation).
/// Recovery codes: 80 random bits each in RFC 4648 base32, shown as four groups of four.
/// </summary>
internal static class Authenticator
{
    public const int RecoveryCodeCount = 10;
    private const int SecretBytes = 20;
    private const int RecoveryCodeBytes = 10;
    private static readonly VerificationWindow Drift = new(previous: 1, future: 1);

    public static string NewSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(SecretBytes));

    /// <summary>The <c>otpauth://totp/…</c> URI authenticator apps read from a QR code.</summary>
    public static string Uri(string secret, string issuer, string account) =>
        new OtpUri(OtpType.Totp, secret, account, issuer).ToString();

    /// <summary>The URI as an SVG QR code, scaled by its viewBox so a page can size it (medium error correction).</summary>
    public static string QrCodeSvg(string uri)
    {
        using var data = QRCodeGenerator.GenerateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(4, "#000000", "#ffffff", drawQuietZones: true, sizingMode: SvgQRCode.SizingMode.ViewBoxAttribute);
    }

    /// <summary>The time step whose code <paramref name="code"/> is, within one step of <paramref name="now"/>; null when it is none.</summary>
    public static long? MatchingStep(string secret, string? code, DateTimeOffset now)
    {
        var digits = code?.Replace(" ", "", StringComparison.Ordinal).Trim();
        if (digits is not { Length: 6 } || !digits.All(char.IsAsciiDigit))
        {
            return null;
        }
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        return totp.VerifyTotp(now.UtcDateTime, digits, out var step, Drift) ? step : null;
    }

    public static IReadOnlyList<string> NewRecoveryCodes()
    {
        var codes = new string[RecoveryCodeCount];
        for (var i = 0; i < codes.Length; i++)
        {
            var text = Base32Encoding.ToString(RandomNumberGenerator.GetBytes(RecoveryCodeBytes));
            codes[i] = $"{text[..4]}-{text[4..8]}-{text[8..12]}-{text[12..16]}".ToLowerInvariant();
        }
        return codes;
    }

    /// <summary>The stored form of a recovery code: SHA-256 of its letters and digits in upper case, so dashes, spaces and case do not matter.</summary>
    public static byte[]? HashRecoveryCode(string? code)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Length > 64)
        {
            return null;
        }
        var normalised = new StringBuilder(code.Length);
        foreach (var c in code)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                normalised.Append(char.ToUpperInvariant(c));
            }
        }
        return SHA256.HashData(Encoding.ASCII.GetBytes(normalised.ToString()));
    }
}
