namespace Tanager.Protocol;

public sealed record RegisterRequest
{
    public string? Email { get; init; }
    public string? Password { get; init; }
    public string? DisplayName { get; init; }
    /// <summary>A workspace invite code: required when the server's registration policy is invite-only; the new account joins that workspace.</summary>
    public string? InviteCode { get; init; }
}
