namespace Tanager.Protocol;

/// <summary>Changes the caller's profile; absent members stay as they are, an empty string removes an optional one.</summary>
public sealed record UpdateProfileRequest
{
    public string? DisplayName { get; init; }
    public string? AvatarUrl { get; init; }
    public string? StatusText { get; init; }
    public string? StatusEmoji { get; init; }
}
