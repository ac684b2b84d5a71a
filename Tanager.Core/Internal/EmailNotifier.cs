using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using NUlid;

namespace Tanager.Internal;

/// <summary>
/// Emails people who are away about mentions and direct messages they have not read within
/// <see cref="EmailNotificationOptions.Delay"/>: one email per person per round, listing them.
/// </summary>
/// <remarks>
/// <para>Progress is one cursor in the store (<see cref="INotificationStore"/>): every message with a smaller id was
/// handled. A round reads the messages after it that are older than the delay, works out who gets an email, and then
/// claims them by moving the cursor with a compare-and-set; only the node whose move succeeded sends. So a restart never
/// sends again, and a cluster sends once. The price is at most once: an email that fails after the claim is not retried
/// (logged); an SMTP server that is down is found before the claim (the connection is opened first), so its messages
/// stay due.</para>
/// <para>"Away" is the presence every node combines (<see cref="PresenceTracker"/>, which hears all nodes): offline or
/// away gets email; online and do-not-disturb (connected, by choice quiet) do not. Whether a message was read is the
/// read state at the time of the round: reading the channel anywhere before the delay ends means no email.</para>
/// <para>Message ids are ULIDs made at send time, so "older than the delay" is an id comparison; a message stored more
/// than the delay after its id was made (never, short of a clock jump) would be passed over.</para>
/// </remarks>
internal sealed class EmailNotifier(
    INotificationStore store, NotificationService notifications, IUserStore users, IChannelStore channels, IReadStateStore readStates,
    PresenceTracker presence, IOptions<TanagerOptions> options, TimeProvider time, ILogger<EmailNotifier> logger) : BackgroundService
{
    /// <summary>Messages one round reads: a busy server's few seconds; the rest wait for the next round.</summary>
    internal const int RoundSize = 1000;
    /// <summary>Members read per page of a channel's member list.</summary>
    private const int MemberPage = 1000;

    private readonly EmailNotificationOptions _email = options.Value.Email;
    private readonly IUserStore _users = users;
    private readonly IChannelStore _channels = channels;
    private readonly IReadStateStore _readStates = readStates;
    private readonly PresenceTracker _presence = presence;
    private readonly NotificationService _notifications = notifications;
    private readonly TimeProvider _time = time;

    /// <summary>The smallest ULID made at <paramref name="at"/>: every id made earlier is smaller.</summary>
    internal static Ulid FirstIdAt(DateTimeOffset at)
    {
        var bytes = new byte[16];
        var ms = at.ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--)
        {
            bytes[i] = (byte)(ms & 0xFF);
            ms >>= 8;
        }
        return new Ulid(bytes);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_email.Enabled)
        {
            return;
        }
        Log.EmailNotificationsOn(logger, _email.SmtpHost!, _email.SmtpPort, _email.SmtpSecurity, _email.Delay);
        using var timer = new PeriodicTimer(_email.PollInterval, _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                // A full round leaves more due at once: go on without waiting for the next tick.
                while (await RunRoundAsync(stoppingToken) == RoundSize)
                {
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.NotificationRoundFailed(logger, exception);
            }
        }
    }

    /// <summary>One round; returns how many messages it claimed.</summary>
    internal async Task<int> RunRoundAsync(CancellationToken cancellationToken)
    {
        var state = await _notifications.StateAsync(cancellationToken);
        var dueBefore = FirstIdAt(_time.GetUtcNow() - _email.Delay);
        if (dueBefore.CompareTo(state.Cursor) <= 0)
        {
            return 0;
        }
        var messages = await store.ListMessagesBetweenAsync(state.Cursor, dueBefore, RoundSize, cancellationToken);
        if (messages.Count == 0)
        {
            return 0;
        }
        var round = new Round(this);
        var emails = await round.CollectAsync(messages, cancellationToken);
        if (emails.Count == 0)
        {
            await store.TryAdvanceNotificationCursorAsync(state.Cursor, messages[^1].Id, cancellationToken);
            return messages.Count;
        }
        using var smtp = new SmtpClient();
        await ConnectAsync(smtp, cancellationToken);
        if (!await store.TryAdvanceNotificationCursorAsync(state.Cursor, messages[^1].Id, cancellationToken))
        {
            // Another node claimed these messages first; it sends.
            await smtp.DisconnectAsync(true, cancellationToken);
            return 0;
        }
        var baseUrl = _email.PublicBaseUrl!.TrimEnd('/');
        foreach (var (recipient, items) in emails)
        {
            try
            {
                var token = await _notifications.UnsubscribeTokenAsync(recipient.Id, cancellationToken);
                var unsubscribe = $"{baseUrl}/api/v1/notifications/unsubscribe?token={token}";
                var email = NotificationEmail.Compose(_email.From, recipient, items, round.NameOf, baseUrl, unsubscribe);
                await smtp.SendAsync(email, cancellationToken);
                Log.NotificationEmailSent(logger, recipient.Id.ToString(), items.Count);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.NotificationEmailFailed(logger, recipient.Id.ToString(), exception);
            }
        }
        await smtp.DisconnectAsync(true, cancellationToken);
        return messages.Count;
    }

    private async Task ConnectAsync(SmtpClient smtp, CancellationToken cancellationToken)
    {
        var security = _email.SmtpSecurity switch
        {
            SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.None => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
        await smtp.ConnectAsync(_email.SmtpHost!, _email.SmtpPort, security, cancellationToken);
        if (!string.IsNullOrEmpty(_email.SmtpUser))
        {
            await smtp.AuthenticateAsync(_email.SmtpUser, _email.SmtpPassword ?? "", cancellationToken);
        }
    }

    /// <summary>What one round looks up, each once: channels, their members, people and their preferences, read states.</summary>
    private sealed class Round(EmailNotifier notifier)
    {
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
                return preferences.QuietHours?.Contains(notifier._time.GetUtcNow()) == true;
            }
            catch (TimeZoneNotFoundException)
            {
                return false;
            }
        }

        public string NameOf(Ulid userId) => _users.GetValueOrDefault(userId)?.DisplayName ?? "someone";

        public async Task<List<(User Recipient, List<NotificationEmail.Item> Items)>> CollectAsync(IReadOnlyList<Message> messages, CancellationToken cancellationToken)
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
                    if (memberId == message.AuthorId || notifier._presence.StatusOf(memberId) is not ("offline" or "away"))
                    {
                        continue;
                    }
                    var preferences = await PreferencesAsync(memberId, cancellationToken);
                    var wanted = preferences.Email switch
                    {
                        EmailNotificationLevel.All => true,
                        EmailNotificationLevel.Mentions => channel.IsDirectMessage || everyone || message.Content.Contains(Mentions.Of(memberId), StringComparison.Ordinal),
                        _ => false,
                    };
                    if (!wanted || preferences.MutedChannels.Contains(channel.Id) || InQuietHours(preferences)
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
                _channels[(workspaceId, channelId)] = channel = await notifier._channels.GetAsync(workspaceId, channelId, cancellationToken);
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
                var page = await notifier._channels.ListChannelMembersAsync(workspaceId, channelId, after, MemberPage, cancellationToken);
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
                _users[userId] = user = await notifier._users.GetAsync(userId, cancellationToken);
            }
            return user;
        }

        private async Task<NotificationPreferences> PreferencesAsync(Ulid userId, CancellationToken cancellationToken)
        {
            if (!_preferences.TryGetValue(userId, out var preferences))
            {
                _preferences[userId] = preferences = await notifier._notifications.GetPreferencesAsync(userId, cancellationToken);
            }
            return preferences;
        }

        private async Task<long> LastReadAsync(Ulid workspaceId, Ulid channelId, Ulid userId, CancellationToken cancellationToken)
        {
            if (!_lastRead.TryGetValue((workspaceId, channelId, userId), out var last))
            {
                var states = await notifier._readStates.GetReadStatesAsync(workspaceId, userId, [channelId], cancellationToken);
                _lastRead[(workspaceId, channelId, userId)] = last = states.Count == 0 ? 0 : states[0].LastReadSequence;
            }
            return last;
        }
    }
}
