using Tanager.Protocol;

namespace Tanager.Web;

/// <summary>
/// Presence dots (from READY's snapshot and PRESENCE_UPDATE) and typing indicators: TYPING_START from others shown
/// under the channel until it lapses or their message arrives; ours sent at most every few seconds while typing.
/// </summary>
public sealed partial class TanagerChat
{
    /// <summary>How often our typing is announced while we type (the server's indicator lasts longer than this).</summary>
    private static readonly TimeSpan TypingEvery = TimeSpan.FromSeconds(3);
    /// <summary>How long someone's indicator shows when the server names no lifetime.</summary>
    private static readonly TimeSpan TypingLasts = TimeSpan.FromSeconds(6);

    /// <summary>Status by workspace and user: online, away, dnd; absent means offline.</summary>
    private readonly Dictionary<(string Workspace, string User), string> _presence = [];
    /// <summary>Who is typing where, until when.</summary>
    private readonly Dictionary<(string Channel, string User), DateTimeOffset> _typing = [];
    private DateTimeOffset _typingSentAt;

    private string PresenceOf(string workspaceId, string userId) =>
        _presence.TryGetValue((workspaceId, userId), out var status) ? status : "offline";

    private static string PresenceText(string status) => status switch
    {
        "online" => "online",
        "away" => "away",
        "dnd" => "do not disturb",
        _ => "offline",
    };

    /// <summary>The other person of a direct message, for its presence dot; null for groups and channels.</summary>
    private string? OtherPerson(ChannelDto channel) =>
        channel.Kind == "direct" ? channel.Participants?.FirstOrDefault(p => p != MyId) : null;

    private void RememberPresences(ReadyData ready)
    {
        _presence.Clear();
        foreach (var workspace in ready.Workspaces)
        {
            foreach (var presence in workspace.Presences ?? [])
            {
                if (presence.UserId is { } user)
                {
                    _presence[(workspace.Workspace.Id, user)] = presence.Status;
                }
            }
        }
    }

    private async Task OnPresenceAsync(PresenceData presence)
    {
        if (presence is { WorkspaceId: { } workspace, UserId: { } user })
        {
            if (presence.Status == "offline")
            {
                _presence.Remove((workspace, user));
            }
            else
            {
                _presence[(workspace, user)] = presence.Status;
            }
            await InvokeAsync(StateHasChanged);
        }
    }

    private async Task OnTypingAsync(TypingData typing)
    {
        if (typing.UserId is not { } user || user == MyId)
        {
            return;
        }
        var lasts = typing.ExpiresInMs is int ms && ms > 0 ? TimeSpan.FromMilliseconds(ms) : TypingLasts;
        _typing[(typing.ChannelId, user)] = DateTimeOffset.UtcNow + lasts;
        await InvokeAsync(StateHasChanged);
        // Gone when it lapses, unless renewed meanwhile (the check below reads the newest deadline).
        _ = Task.Delay(lasts + TimeSpan.FromMilliseconds(100), _disposing.Token).ContinueWith(_ => InvokeAsync(StateHasChanged), TaskScheduler.Default);
    }

    /// <summary>A message from someone ends their typing indicator in that channel.</summary>
    private void StopTyping(MessageDto message) => _typing.Remove((message.ChannelId, message.AuthorId));

    /// <summary>"Bob is typing…", "Bob and Cleo are typing…", "Several people are typing…", or null.</summary>
    private string? TypingText(string channelId)
    {
        var now = DateTimeOffset.UtcNow;
        var names = _typing.Where(t => t.Key.Channel == channelId && t.Value > now).Select(t => NameOf(t.Key.User)).Order(StringComparer.CurrentCulture).ToList();
        return names.Count switch
        {
            0 => null,
            1 => $"{names[0]} is typing…",
            2 => $"{names[0]} and {names[1]} are typing…",
            _ => "Several people are typing…",
        };
    }

    private async Task SendTypingAsync()
    {
        if (_client is null || _workspaceId is not { } workspaceId || _channelId is not { } channelId || _draft.Length == 0
            || DateTimeOffset.UtcNow - _typingSentAt < TypingEvery)
        {
            return;
        }
        _typingSentAt = DateTimeOffset.UtcNow;
        try
        {
            await _client.Gateway.SendTypingAsync(workspaceId, channelId, _disposing.Token);
        }
        catch (Exception exception) when (exception is System.Net.WebSockets.WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection dropped while sending: a typing indicator is not worth more.
        }
    }
}
