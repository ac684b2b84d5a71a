namespace Tanager.Protocol;

/// <summary>
/// A new, not yet confirmed authenticator, shown once: the base32 secret for typing in, the <c>otpauth://</c> URI an
/// authenticator app reads, and that URI as an SVG QR code. Confirm it with a first code.
/// </summary>
public sealed record TwoFactorEnrollmentDto
{
    public required string Secret { get; init; }
    public required string OtpauthUri { get; init; }
    public required string QrCodeSvg { get; init; }
}
