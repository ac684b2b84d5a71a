using MimeKit;

namespace Tanager.Internal;

/// <summary>Checks <see cref="EmailNotificationOptions"/> at start-up. Nothing is checked while email is off.</summary>
internal static class EmailNotificationValidation
{
    public static void Validate(EmailNotificationOptions email, List<string> failures)
    {
        if (!email.Enabled)
        {
            return;
        }
        if (email.SmtpPort is < 1 or > 65535)
        {
            failures.Add("Tanager:Email:SmtpPort must be between 1 and 65535.");
        }
        if (!Enum.IsDefined(email.SmtpSecurity))
        {
            failures.Add("Tanager:Email:SmtpSecurity must be StartTls, Tls or None.");
        }
        if (string.IsNullOrEmpty(email.SmtpUser) != string.IsNullOrEmpty(email.SmtpPassword))
        {
            failures.Add("Tanager:Email:SmtpUser and SmtpPassword must be set together.");
        }
        if (!MailboxAddress.TryParse(email.From, out _))
        {
            failures.Add("Tanager:Email:From must be an email address, optionally with a name (Name <address>).");
        }
        if (!Uri.TryCreate(email.PublicBaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(baseUrl.Query) || !string.IsNullOrEmpty(baseUrl.Fragment))
        {
            failures.Add("Tanager:Email:PublicBaseUrl must be the server's absolute http(s) URL when Email:SmtpHost is set: links in emails point there.");
        }
        if (email.Delay < TimeSpan.Zero || email.Delay > TimeSpan.FromDays(7))
        {
            failures.Add("Tanager:Email:Delay must be between 0 and 7 days.");
        }
        if (email.PollInterval < TimeSpan.FromMilliseconds(100) || email.PollInterval > TimeSpan.FromHours(1))
        {
            failures.Add("Tanager:Email:PollInterval must be between 100 milliseconds and 1 hour.");
        }
    }

    /// <summary>Checks <see cref="WebPushOptions"/>; nothing is checked while push is off.</summary>
    public static void ValidateWebPush(WebPushOptions push, List<string> failures)
    {
        if (!push.Enabled)
        {
            return;
        }
        if (push.Subject is not null && !WebPushSubject.IsValid(push.Subject))
        {
            failures.Add("Tanager:WebPush:Subject must be a mailto: or https: URL (RFC 8292), for push services to contact whoever runs this server.");
        }
        if (push.Delay < TimeSpan.Zero || push.Delay > TimeSpan.FromDays(1))
        {
            failures.Add("Tanager:WebPush:Delay must be between 0 and 1 day.");
        }
        if (push.PollInterval < TimeSpan.FromMilliseconds(100) || push.PollInterval > TimeSpan.FromHours(1))
        {
            failures.Add("Tanager:WebPush:PollInterval must be between 100 milliseconds and 1 hour.");
        }
        if (push.TimeToLive < TimeSpan.Zero || push.TimeToLive > TimeSpan.FromDays(28))
        {
            failures.Add("Tanager:WebPush:TimeToLive must be between 0 and 28 days (push services keep messages at most about four weeks).");
        }
        if (push.MaxSubscriptionsPerUser is < 1 or > 100)
        {
            failures.Add("Tanager:WebPush:MaxSubscriptionsPerUser must be between 1 and 100.");
        }
    }
}
