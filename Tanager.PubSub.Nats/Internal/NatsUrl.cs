namespace Tanager.PubSub.Nats.Internal;

/// <summary>
/// A validated NATS URL (or comma-separated list of them), split into what the client connects to and the credentials,
/// so that the credentials go to NATS.Net as authentication options and never appear in a URL that anything logs.
/// </summary>
internal sealed record NatsUrl(string Servers, string Display, string? User, string? Password, string? Token)
{
    private const int DefaultPort = 4222;

    /// <summary>The parsed URL, or null with <paramref name="error"/> saying why (without the credentials).</summary>
    public static NatsUrl? Parse(string value, out string error)
    {
        error = "";
        var servers = new List<string>();
        var display = new List<string>();
        string? userInfo = null;
        foreach (var entry in value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(entry, UriKind.Absolute, out var uri)
                || (uri.Scheme != "nats" && uri.Scheme != "tls")
                || string.IsNullOrEmpty(uri.Host)
                || uri.AbsolutePath != "/"
                || uri.Query.Length > 0
                || uri.Fragment.Length > 0)
            {
                error = $"must be a nats://host:port or tls://host:port URL, or several separated by commas; got '{Redact(value)}'.";
                return null;
            }
            if (uri.UserInfo.Length > 0)
            {
                if (userInfo is not null && userInfo != uri.UserInfo)
                {
                    error = $"gives different credentials for different servers; give the same to all of them: '{Redact(value)}'.";
                    return null;
                }
                userInfo = uri.UserInfo;
            }
            var port = uri.Port is > 0 and <= 65535 ? uri.Port : DefaultPort;
            servers.Add($"{uri.Scheme}://{uri.Host}:{port}");
            display.Add($"{uri.Scheme}://{(uri.UserInfo.Length > 0 ? "***@" : "")}{uri.Host}:{port}");
        }

        string? user = null, password = null, token = null;
        if (userInfo is not null)
        {
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                token = Uri.UnescapeDataString(userInfo);
            }
            else
            {
                user = Uri.UnescapeDataString(userInfo[..colon]);
                password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
        }
        return new NatsUrl(string.Join(',', servers), string.Join(',', display), user, password, token);
    }

    /// <summary><paramref name="value"/> with whatever stands between <c>://</c> and <c>@</c> in each entry replaced by <c>***</c>.</summary>
    public static string Redact(string value) => string.Join(',', value.Split(',').Select(entry =>
    {
        var start = entry.IndexOf("://", StringComparison.Ordinal);
        var at = entry.LastIndexOf('@');
        return start >= 0 && at > start ? entry[..(start + 3)] + "***" + entry[at..] : entry;
    }));
}
