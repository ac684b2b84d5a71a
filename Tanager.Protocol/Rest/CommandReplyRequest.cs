namespace Tanager.Protocol;

/// <summary>A bot's reply to a slash command invocation.</summary>
public sealed record CommandReplyRequest
{
    /// <summary>The <see cref="CommandInvocationDto.Id"/> of COMMAND_INVOKE.</summary>
    public string? InvocationId { get; init; }
    /// <summary>The reply, with the limits of a message's content.</summary>
    public string? Content { get; init; }
    /// <summary>
    /// True: only the member who invoked the command sees the reply (EPHEMERAL_MESSAGE on their connections, never stored).
    /// False (the default): the reply is posted in the channel as the bot's message.
    /// </summary>
    public bool Ephemeral { get; init; }
}
