namespace Tanager.Protocol;

/// <summary>Whether the account signs in with a second factor, and how many unused recovery codes it has left.</summary>
public sealed record TwoFactorStatusDto
{
    public required bool Enabled { get; init; }
    public required int RecoveryCodesLeft { get; init; }
}
