namespace Tanager;

/// <summary>
/// Email to people who are away about mentions and direct messages they have not read. Off until
/// <see cref="SmtpHost"/> is set; then <see cref="PublicBaseUrl"/> is required too (the unsubscribe link points there).
/// </summary>
public sealed class EmailNotificationOptions
{
    /// <summary>The SMTP server; empty (the default) turns email notifications off.</summary>
    public string? SmtpHost { get; set; }
    /// <summary>587, the submission port of RFC 6409, with STARTTLS.</summary>
    public int SmtpPort { get; set; } = 587;
    /// <summary>How the connection is secured: <c>StartTls</c> (the default, required), <c>Tls</c> (implicit TLS, port 465) or <c>None</c> (a local relay only).</summary>
    public SmtpSecurity SmtpSecurity { get; set; } = SmtpSecurity.StartTls;
    /// <summary>The SMTP login; none when empty.</summary>
    public string? SmtpUser { get; set; }
    /// <summary>The SMTP password. Never logged.</summary>
    public string? SmtpPassword { get; set; }
    /// <summary>The sender, as <c>address</c> or <c>Name &lt;address&gt;</c>.</summary>
    public string From { get; set; } = "Tanager <tanager@localhost>";
    /// <summary>Where people reach this server (<c>https://chat.example.com</c>, with the path prefix of <c>MapTanager</c> if any): the base of links in emails.</summary>
    public string? PublicBaseUrl { get; set; }
    /// <summary>
    /// How long a mention or direct message waits unread before it is emailed: 5 minutes, long enough for someone who
    /// just stepped away to come back and read it in the app, short enough that the email is still news.
    /// </summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>How often the notifier looks for messages that became due; each look sends at most one email per person.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether email notifications are on: an SMTP host is set.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(SmtpHost);
}
