namespace Tanager.Protocol;

/// <summary>The account's ten one-use recovery codes, shown once when two-factor sign-in is turned on; stored only as hashes.</summary>
public sealed record RecoveryCodesDto
{
    public required IReadOnlyList<string> RecoveryCodes { get; init; }
}
