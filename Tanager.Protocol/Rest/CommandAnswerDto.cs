namespace Tanager.Protocol;

/// <summary>
/// A URL's 2xx answer to a <see cref="CommandRequestDto"/>: the reply, seen by the member who typed the command alone
/// (<c>"ephemeral"</c>, the default) or posted in the channel (<c>"channel"</c>). An empty answer, or no text, is no reply.
/// </summary>
public sealed record CommandAnswerDto
{
    /// <summary>The reply, by a message's rules (1 to 4,000 characters of Markdown).</summary>
    public string? Text { get; init; }
    /// <summary><c>"ephemeral"</c> or <c>"channel"</c>; ephemeral when omitted.</summary>
    public string? Visibility { get; init; }
}
