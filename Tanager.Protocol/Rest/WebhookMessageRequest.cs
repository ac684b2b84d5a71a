namespace Tanager.Protocol;

/// <summary>The body posted to an incoming webhook's URL.</summary>
public sealed record WebhookMessageRequest
{
    /// <summary>The message, in the same Markdown as any message; 1 to 4,000 characters.</summary>
    public string? Content { get; init; }
    /// <summary>Optional: a retry with the same nonce returns the first attempt's message instead of posting twice.</summary>
    public string? Nonce { get; init; }
}
