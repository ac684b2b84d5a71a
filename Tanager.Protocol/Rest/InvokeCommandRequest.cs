namespace Tanager.Protocol;

/// <summary>Invokes a slash command in a channel: what a member typed as <c>/command args</c>.</summary>
public sealed record InvokeCommandRequest
{
    /// <summary>The command's name, without the slash.</summary>
    public string? Command { get; init; }
    /// <summary>Everything after the name, up to 4,000 characters; empty when omitted.</summary>
    public string? Args { get; init; }
}
