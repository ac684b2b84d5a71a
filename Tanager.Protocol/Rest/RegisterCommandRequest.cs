namespace Tanager.Protocol;

/// <summary>Registers (or updates) a slash command; its name is the last segment of the URL.</summary>
public sealed record RegisterCommandRequest
{
    /// <summary>1–100 characters: what the command does, shown in lists and completions.</summary>
    public string? Description { get; init; }
    /// <summary>Up to 100 characters, optional: what the arguments look like.</summary>
    public string? UsageHint { get; init; }
    /// <summary>
    /// The bot that answers the command. Omitted when a bot registers its own command; a person names a bot they own.
    /// </summary>
    public string? BotId { get; init; }
}
