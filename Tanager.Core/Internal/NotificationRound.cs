using NUlid;

namespace Tanager.Internal;

/// <summary>
/// Who a notifier's round tells about which messages: for each message, the channel's members other than its author who
/// are away (offline or away: online and do-not-disturb are not), want it (the notifier's rule, given whether the message
/// mentions them or is a direct message), have not muted the channel, are outside their quiet hours, have not read it,
/// and are active people, not bots. Looks each thing up once per round: channels, their members, people and their
/// preferences, read states. Shared by <see cref="EmailNotifier"/> and <see cref="WebPushNotifier"/>.
/// </summary>
internal sealed class NotificationRound(
    NotificationService notifications, IUserStore users, IChannelStore channels, IReadStateStore readStates, PresenceTracker presence, TimeProvider time)
{
    /// <summary>Members read per page of a channel's member list.</summary>
    private const int MemberPage = 1000;

    /// <summary>
    /// A notifier's loop: a round every <paramref name="interval"/>, and at once another after a full one (more are due);
    /// a round that fails is logged by <paramref name="failed"/> and what it did not claim stays due for the next tick.
    /// </summary>
    public static async Task RunAsync(TimeSpan interval, TimeProvider time, int roundSize, Func<CancellationToken, Task<int>> round, Action<Exception> failed,
        CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                while (await round(stoppingToken) == roundSize)
                {
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                failed(exception);
            }
        }
    }

    private readonly Dictionary<(Ulid, Ulid), Channel?> _channels = [];
    private readonly Dictionary<(Ulid, Ulid), List<Ulid>> _members = [];
    private readonly Dictionary<Ulid, User?> _users = [];
    private readonly Dictionary<Ulid, NotificationPreferences> _preferences = [];
    private readonly Dictionary<(Ulid, Ulid, Ulid), long> _lastRead = [];

    /// <summary>Whether the person's quiet hours hold at this round's time (a zone the server no longer knows counts as none).</summary>
    private bool InQuietHours(NotificationPreferences preferences)
    {
        try
        {
            return preferences.QuietHours?.Contains(time.GetUtcNow()) == true;
        }
        catch (TimeZoneNotFoundException)
        {
            return false;
        }
    }

    public string NameOf(Ulid userId) => _users.GetValueOrDefault(userId)?.DisplayName ?? "someone";

    /// <summary>The people to tell and what, in the order first met. <paramref name="wanted"/> is the notifier's rule: the person's preferences, and whether the message mentions them or is a direct message.</summary>
    public async Task<List<(User Recipient, List<NotificationEmail.Item> Items)>> CollectAsync(IReadOnlyList<Message> messages,
        Func<NotificationPreferences, bool, bool> wanted, CancellationToken cancellationToken)
    {
        var byRecipient = new Dictionary<Ulid, (User Recipient, List<NotificationEmail.Item> Items)>();
        foreach (var message in messages)
        {
            var channel = await ChannelAsync(message.WorkspaceId, message.ChannelId, cancellationToken);
            if (channel is null)
            {
                continue;
            }
            var everyone = Mentions.MentionsEveryone(message.Content);
            foreach (var memberId in await MembersAsync(message.WorkspaceId, message.ChannelId, cancellationToken))
            {
                if (memberId == message.AuthorId || presence.StatusOf(memberId) is not ("offline" or "away"))
                {
                    continue;
                }
                var preferences = await PreferencesAsync(memberId, cancellationToken);
                var mentionOrDirect = channel.IsDirectMessage || everyone || message.Content.Contains(Mentions.Of(memberId), StringComparison.Ordinal);
                if (!wanted(preferences, mentionOrDirect) || preferences.MutedChannels.Contains(channel.Id) || InQuietHours(preferences)
                    || await LastReadAsync(message.WorkspaceId, message.ChannelId, memberId, cancellationToken) >= message.Sequence
                    || await UserAsync(memberId, cancellationToken) is not { DeactivatedAt: null, IsBot: false } recipient)
                {
                    continue;
                }
                var author = await UserAsync(message.AuthorId, cancellationToken);
                if (!byRecipient.TryGetValue(memberId, out var email))
                {
                    byRecipient[memberId] = email = (recipient, []);
                }
                email.Items.Add(new NotificationEmail.Item(channel, message, author?.DisplayName ?? "someone"));
            }
        }
        // Names of mentioned people in the excerpts.
        foreach (var item in byRecipient.Values.SelectMany(e => e.Items))
        {
            foreach (var id in MentionedIds(item.Message.Content))
            {
                await UserAsync(id, cancellationToken);
            }
        }
        return [.. byRecipient.Values];
    }

    private static IEnumerable<Ulid> MentionedIds(string content)
    {
        for (var start = content.IndexOf("<@", StringComparison.Ordinal); start >= 0 && start + 29 <= content.Length; start = content.IndexOf("<@", start + 2, StringComparison.Ordinal))
        {
            if (content[start + 28] == '>' && Ulid.TryParse(content.AsSpan(start + 2, 26).ToString(), out var id))
            {
                yield return id;
            }
        }
    }

    private async Task<Channel?> ChannelAsync(Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken)
    {
        if (!_channels.TryGetValue((workspaceId, channelId), out var channel))
        {
            _channels[(workspaceId, channelId)] = channel = await channels.GetAsync(workspaceId, channelId, cancellationToken);
        }
        return channel;
    }

    private async Task<List<Ulid>> MembersAsync(Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken)
    {
        if (_members.TryGetValue((workspaceId, channelId), out var members))
        {
            return members;
        }
        members = [];
        Ulid? after = null;
        while (true)
        {
            var page = await channels.ListChannelMembersAsync(workspaceId, channelId, after, MemberPage, cancellationToken);
            members.AddRange(page.Select(m => m.UserId));
            if (page.Count < MemberPage)
            {
                break;
            }
            after = page[^1].UserId;
        }
        _members[(workspaceId, channelId)] = members;
        return members;
    }

    private async Task<User?> UserAsync(Ulid userId, CancellationToken cancellationToken)
    {
        if (!_users.TryGetValue(userId, out var user))
        {
            _users[userId] = user = await users.GetAsync(userId, cancellationToken);
        }
        return user;
    }

    private async Task<NotificationPreferences> PreferencesAsync(Ulid userId, CancellationToken cancellationToken)
    {
        if (!_preferences.TryGetValue(userId, out var preferences))
        {
            _preferences[userId] = preferences = await notifications.GetPreferencesAsync(userId, cancellationToken);
        }
        return preferences;
    }

    private async Task<long> LastReadAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken)
    {
        if (!_lastRead.TryGetValue((workspaceId, channelId, userId), out var last))
        {
            var states = await readStates.GetReadStatesAsync(workspaceId, userId, [channelId], cancellationToken);
            _lastRead[(workspaceId, channelId, userId)] = last = states.Count == 0 ? 0 : states[0].LastReadSequence;
        }
        return last;
    }
}
