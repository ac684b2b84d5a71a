namespace Tanager.Protocol;

/// <summary>The answer to a command reply: the posted message, or the ephemeral one that was sent.</summary>
public sealed record CommandReplyDto
{
    public required bool Ephemeral { get; init; }
    /// <summary>The message posted in the channel, when the reply was not ephemeral.</summary>
    public MessageDto? Message { get; init; }
    /// <summary>The message sent to the invoking member's connections, when the reply was ephemeral.</summary>
    public EphemeralMessageDto? EphemeralMessage { get; init; }
}
