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
/// <para>Who gets what is <see cref="NotificationRound"/>'s, shared with <see cref="WebPushNotifier"/>. "Away" is the presence every node combines (<see cref="PresenceTracker"/>, which hears all nodes): offline or
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

    private readonly EmailNotificationOptions _email = options.Value.Email;
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
        await NotificationRound.RunAsync(_email.PollInterval, _time, RoundSize, RunRoundAsync, exception => Log.NotificationRoundFailed(logger, exception), stoppingToken);
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
        var round = new NotificationRound(_notifications, users, channels, readStates, presence, _time);
        var emails = await round.CollectAsync(messages, EmailWanted, cancellationToken);
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

    /// <summary>The email level decides: everything, mentions and direct messages, or nothing.</summary>
    private static bool EmailWanted(NotificationPreferences preferences, bool mentionOrDirect) => preferences.Email switch
    {
        EmailNotificationLevel.All => true,
        EmailNotificationLevel.Mentions => mentionOrDirect,
        _ => false,
    };

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
}
