namespace Tanager.Protocol;

/// <summary>A user. <see cref="Email"/> is set only when the user is the caller.</summary>
public sealed record UserDto
{
    public required string Id { get; init; }
    public required string DisplayName { get; init; }
    public string? Email { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
