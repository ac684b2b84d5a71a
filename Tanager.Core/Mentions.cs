using NUlid;

namespace Tanager;

/// <summary>
/// How mentions are written inside message content: <c>&lt;@USER_ID&gt;</c> for a person, <c>&lt;!channel&gt;</c> and
/// <c>&lt;!here&gt;</c> for everyone in the channel. Clients turn "@Ada" into the token when sending and back into a
/// name when showing, so renaming a user never breaks a mention.
/// </summary>
public static class Mentions
{
    public const string Channel = "<!channel>";
    public const string Here = "<!here>";

    public static string Of(Ulid userId) => $"<@{userId}>";

    /// <summary>Whether <paramref name="content"/> mentions everyone in the channel.</summary>
    public static bool MentionsEveryone(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return content.Contains(Channel, StringComparison.Ordinal) || content.Contains(Here, StringComparison.Ordinal);
    }

    /// <summary>Whether <paramref name="content"/> mentions <paramref name="userId"/>, by name or as one of everyone.</summary>
    public static bool Mention(string content, Ulid userId)
    {
        ArgumentNullException.ThrowIfNull(content);
        return MentionsEveryone(content) || content.Contains(Of(userId), StringComparison.Ordinal);
    }
}
