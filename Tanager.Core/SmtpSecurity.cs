namespace Tanager;

/// <summary>How the connection to the SMTP server is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain connection upgraded with STARTTLS, which must succeed (port 587).</summary>
    StartTls = 0,
    /// <summary>TLS from the first byte (port 465).</summary>
    Tls = 1,
    /// <summary>No TLS: only for a relay on the same host or network.</summary>
    None = 2,
}
