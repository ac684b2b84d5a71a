namespace Tanager.Internal;

/// <summary>The VAPID <c>sub</c> claim (RFC 8292 §2.1): a <c>mailto:</c> or <c>https:</c> URL for push services to contact the server's operator.</summary>
internal static class WebPushSubject
{
    /// <summary>What a server that says nothing about itself sends: a mailbox in the reserved <c>.invalid</c> domain.</summary>
    public const string Placeholder = "mailto:webpush@tanager.invalid";

    public static bool IsValid(string subject) =>
        subject.Length <= 256 && Uri.TryCreate(subject, UriKind.Absolute, out var uri)
        && ((uri.Scheme == Uri.UriSchemeMailto && subject.Contains('@', StringComparison.Ordinal)) || (uri.Scheme == Uri.UriSchemeHttps && uri.Host.Length > 0));

    public static string Resolve(string? configured, string? publicBaseUrl) =>
        configured ?? (publicBaseUrl is not null && publicBaseUrl.StartsWith("https://", StringComparison.Ordinal) && IsValid(publicBaseUrl) ? publicBaseUrl : Placeholder);
}
