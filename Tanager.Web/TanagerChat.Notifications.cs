using System.Text.RegularExpressions;
using Microsoft.JSInterop;
using Tanager.Protocol;

namespace Tanager.Web;

/// <summary>
/// Desktop notifications for mentions of the reader and for direct messages, once the person allows them (the header's
/// button asks the browser, which only lets a click ask), shown when the page is hidden or the message is elsewhere.
/// </summary>
public sealed partial class TanagerChat
{
    /// <summary>The browser's answer: <c>default</c> (not asked yet), <c>granted</c>, <c>denied</c>, or <c>unsupported</c>.</summary>
    private string _notifications = "unsupported";

    [GeneratedRegex("<@(?<id>[A-Za-z0-9]{26})>")]
    private static partial Regex MentionToken();

    /// <summary>A message's text for places that show no markup (notifications, the screen reader's announcement): mentions as <c>@Name</c>.</summary>
    private string PlainText(string content) => MentionToken().Replace(content, m => "@" + NameOf(m.Groups["id"].Value));

    private async Task EnableNotificationsAsync()
    {
        if (_module is not null)
        {
            _notifications = await _module.InvokeAsync<string>("requestNotifications", _disposing.Token);
        }
    }

    /// <summary>A notification for a message from someone else that mentions the reader or is in one of their conversations.</summary>
    private async Task NotifyAsync(MessageDto message)
    {
        if (_notifications != "granted" || _module is null || message.AuthorId == MyId
            || FindChannel(message.WorkspaceId, message.ChannelId) is not { } channel || !(MentionsMe(message) || IsConversation(channel)))
        {
            return;
        }
        if (message.ChannelId == _channelId && !await _module.InvokeAsync<bool>("pageHidden", _disposing.Token))
        {
            return;
        }
        var text = PlainText(message.Content);
        var title = IsConversation(channel) ? NameOf(message.AuthorId) : $"{NameOf(message.AuthorId)} in {ChannelLabel(channel)}";
        await _module.InvokeVoidAsync("notify", _disposing.Token, title, text.Length > 200 ? text[..200] + "…" : text, message.Id);
    }
}
