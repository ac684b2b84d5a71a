namespace Tanager.Web.Internal;

/// <summary>The reaction picker's emoji, each with the name it is found and announced by.</summary>
internal static class Emoji
{
    public static readonly IReadOnlyList<(string Emoji, string Name)> All =
    [
        ("👍", "thumbs up"), ("👎", "thumbs down"), ("❤️", "red heart"), ("😄", "grinning face with smiling eyes"),
        ("🎉", "party popper"), ("👀", "eyes"), ("🙏", "folded hands"), ("😂", "face with tears of joy"),
        ("🔥", "fire"), ("✅", "check mark"), ("❌", "cross mark"), ("👏", "clapping hands"),
        ("🚀", "rocket"), ("💯", "hundred points"), ("🤔", "thinking face"), ("😮", "face with open mouth"),
        ("😢", "crying face"), ("😡", "angry face"), ("🙌", "raising hands"), ("💪", "flexed biceps"),
        ("👋", "waving hand"), ("🤝", "handshake"), ("👌", "OK hand"), ("✨", "sparkles"),
        ("⭐", "star"), ("☕", "hot beverage"), ("🍕", "pizza"), ("🎂", "birthday cake"),
        ("🐛", "bug"), ("🛠️", "hammer and wrench"), ("📌", "pushpin"), ("📎", "paperclip"),
        ("⚠️", "warning"), ("❓", "question mark"), ("❗", "exclamation mark"), ("💡", "light bulb"),
        ("🎯", "direct hit"), ("📈", "chart increasing"), ("🕒", "three o'clock"), ("🙂", "slightly smiling face"),
        ("😉", "winking face"), ("😅", "grinning face with sweat"), ("😎", "smiling face with sunglasses"), ("🤯", "exploding head"),
        ("😴", "sleeping face"), ("🥳", "partying face"), ("🤷", "person shrugging"), ("🫡", "saluting face"),
    ];

    /// <summary>The emoji whose name has a word starting with <paramref name="filter"/> (all of them for an empty filter).</summary>
    public static IEnumerable<(string Emoji, string Name)> Matching(string filter)
    {
        var typed = filter.Trim();
        return typed.Length == 0 ? All : All.Where(e => e.Emoji == typed
            || e.Name.Split(' ').Any(w => w.StartsWith(typed, StringComparison.OrdinalIgnoreCase)));
    }
}
