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
    /// Omitted, too, for a command routed to <see cref="Url"/>.
    /// </summary>
    public string? BotId { get; init; }
    /// <summary>
    /// The absolute https URL that answers the command, instead of a bot (a workspace owner or admin registers it): the
    /// server POSTs each invocation there, signed, and the answer becomes the reply. Not together with <see cref="BotId"/>.
    /// </summary>
    public string? Url { get; init; }
}
