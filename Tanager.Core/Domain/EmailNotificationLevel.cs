namespace Tanager;

/// <summary>Which messages a person away from the chat is emailed about.</summary>
public enum EmailNotificationLevel
{
    /// <summary>Mentions of the person (by name, @channel, @here) and direct messages: the default.</summary>
    Mentions = 0,
    /// <summary>Every message by others in the person's channels.</summary>
    All = 1,
    /// <summary>No email at all.</summary>
    None = 2,
}
