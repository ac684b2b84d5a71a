namespace Tanager.Protocol;

/// <summary>Answer to register and login: a bearer token (shown once, stored only as a hash) and the user.</summary>
public sealed record SessionResponse
{
    public required string Token { get; init; }
    public required UserDto User { get; init; }
}
