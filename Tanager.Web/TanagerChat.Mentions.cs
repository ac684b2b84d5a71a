using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Tanager.Protocol;
using Tanager.Web.Internal;

namespace Tanager.Web;

/// <summary>
/// Mentions: typing <c>@</c> and the start of a name in the composer offers the workspace's members (arrow keys and
/// Enter or Tab pick, Escape closes); the pick reads <c>@Name</c> in the draft and is sent as <c>&lt;@USER_ID&gt;</c>.
/// Messages show mentions as <c>@Name</c>, the reader's own highlighted.
/// </summary>
public sealed partial class TanagerChat
{
    /// <summary>People offered at once: enough to pick from while typing, few enough to read.</summary>
    private const int MaxMentionChoices = 8;

    /// <summary>The names picked into the current draft, and whom each means.</summary>
    private readonly Dictionary<string, string> _mentioned = new(StringComparer.Ordinal);
    private List<UserDto> _mentionChoices = [];
    private int _mentionIndex;

    private bool MentionsOpen => _mentionChoices.Count > 0;

    /// <summary>An <c>@</c> and up to 32 characters of a name, ending where the draft ends.</summary>
    [GeneratedRegex(@"(?:^|\s)@(?<query>[^\s@<>]{0,32})$")]
    private static partial Regex MentionQuery();

    /// <summary>After each change of the draft: the choices for the <c>@name</c> being typed, and the typing indicator.</summary>
    private async Task OnDraftInputAsync()
    {
        var match = MentionQuery().Match(_draft);
        _mentionChoices = !match.Success ? [] : [.. WorkspaceMembers
            .Where(u => u.Id != MyId && NameStartsWith(u.DisplayName, match.Groups["query"].Value))
            .Take(MaxMentionChoices)];
        _mentionIndex = 0;
        await SendTypingAsync();
    }

    /// <summary>Whether a word of the name starts with what was typed, ignoring case.</summary>
    private static bool NameStartsWith(string name, string typed) =>
        typed.Length == 0 || name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(w => w.StartsWith(typed, StringComparison.CurrentCultureIgnoreCase))
        || name.StartsWith(typed, StringComparison.CurrentCultureIgnoreCase);

    /// <summary>A key pressed in the composer while the choices are open (tanager.js keeps it from the textarea).</summary>
    private async Task MentionKeyAsync(string key)
    {
        if (!MentionsOpen)
        {
            return;
        }
        switch (key)
        {
            case "ArrowDown":
                _mentionIndex = (_mentionIndex + 1) % _mentionChoices.Count;
                break;
            case "ArrowUp":
                _mentionIndex = (_mentionIndex + _mentionChoices.Count - 1) % _mentionChoices.Count;
                break;
            case "Enter" or "Tab":
                await PickMentionAsync(_mentionChoices[_mentionIndex]);
                break;
            default:
                _mentionChoices = [];
                break;
        }
        StateHasChanged();
    }

    private async Task PickMentionAsync(UserDto user)
    {
        var match = MentionQuery().Match(_draft);
        if (match.Success)
        {
            var at = match.Groups["query"].Index - 1;
            _draft = _draft[..at] + "@" + user.DisplayName + " ";
            _mentioned[user.DisplayName] = user.Id;
        }
        _mentionChoices = [];
        await _composer.FocusAsync();
    }

    /// <summary>The draft as sent: each picked <c>@Name</c> becomes <c>&lt;@USER_ID&gt;</c> (longest names first, so "@Ann Lee" is not taken for "@Ann").</summary>
    private string WithMentions(string content)
    {
        foreach (var (name, id) in _mentioned.OrderByDescending(p => p.Key.Length))
        {
            content = content.Replace("@" + name, $"<@{id}>", StringComparison.Ordinal);
        }
        return content;
    }

    private bool MentionsMe(MessageDto message) => _me is not null && message.Content.Contains($"<@{_me.Id}>", StringComparison.Ordinal);

    private MarkupString Render(string content) =>
        new(SafeMarkdown.ToHtml(content, id => (_users.TryGetValue(id, out var user) ? user.DisplayName : null, id == MyId)));
}
