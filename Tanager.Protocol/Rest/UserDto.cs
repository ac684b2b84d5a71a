namespace Tanager.Protocol;

/// <summary>A user. <see cref="Email"/> is set only when the user is the caller.</summary>
public sealed record UserDto
{
    public required string Id { get; init; }
    public required string DisplayName { get; init; }
    public string? Email { get; init; }
    /// <summary>An absolute http(s) URL of the user's picture.</summary>
    public string? AvatarUrl { get; init; }
    public string? StatusText { get; init; }
    /// <summary>A Unicode emoji or a :short_name: shown with the status.</summary>
    public string? StatusEmoji { get; init; }
    /// <summary>True for a bot account: every client shows it as a bot.</summary>
    public bool IsBot { get; init; }
    /// <summary>For a bot, the member who owns it.</summary>
    public string? BotOwnerId { get; init; }
    /// <summary>Set only on the caller's own user: a server administrator.</summary>
    public bool? IsServerAdmin { get; init; }
    /// <summary>When a server administrator deactivated the account; its content stays.</summary>
    public DateTimeOffset? DeactivatedAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
