namespace Tanager.Protocol;

public sealed record RegisterRequest
{
    public string? Email { get; init; }
    public string? Password { get; init; }
    public string? DisplayName { get; init; }
}
