namespace Tanager.Protocol;

/// <summary>Creates an incoming webhook in a channel: the name and avatar its messages show.</summary>
public sealed record CreateWebhookRequest
{
    public string? Name { get; init; }
    /// <summary>An absolute http(s) URL of the avatar its messages show; none when omitted.</summary>
    public string? AvatarUrl { get; init; }
}
