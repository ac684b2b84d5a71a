using System.Net;
using System.Net.Sockets;

namespace Tanager.Internal;

/// <summary>Which addresses an outgoing webhook, a command URL or a push endpoint may reach: public ones, unless private ones are allowed by configuration.</summary>
internal static class WebhookAddress
{
    /// <summary>Longest URL: 2048, the limit browsers and most proxies agree on.</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>
    /// The URL, checked: absolute http(s), no credentials in it, and not naming a private host unless allowed. With
    /// <paramref name="httpsOnly"/> (slash commands: what a member types goes there) plain http is allowed only where
    /// private addresses are, on a single machine or in tests.
    /// </summary>
    public static string Validate(string? url, bool allowPrivate, bool httpsOnly = false)
    {
        var http = httpsOnly && !allowPrivate ? "" : " (or http)";
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || !(uri.Scheme == "https" || (uri.Scheme == "http" && http.Length > 0)) || uri.UserInfo.Length > 0 || uri.Host.Length == 0)
        {
            throw TanagerException.Invalid($"url must be an absolute https{http} URL of at most {MaxUrlLength} characters, without credentials.");
        }
        if (!allowPrivate && (IsLocalName(uri.Host) || (IPAddress.TryParse(uri.IdnHost, out var address) && IsPrivate(address))))
        {
            throw TanagerException.Invalid("url must not point at a loopback, private or link-local address.");
        }
        return uri.AbsoluteUri;
    }

    private static bool IsLocalName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>Loopback, unspecified, private (RFC 1918), shared (RFC 6598), link-local and unique-local (RFC 4193) addresses.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] is 0 or 10 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] is >= 64 and <= 127);
        }
        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal;
    }

    /// <summary>
    /// The HTTP client for requests to a URL someone else supplied (webhooks, commands, push services): no redirects (a
    /// redirect could lead anywhere, private addresses included), no cookies, and unless <paramref name="allowPrivate"/>,
    /// a check where the connection is made, after DNS, so that a public name resolving to a private address is refused too.
    /// </summary>
    public static HttpClient CreateClient(bool allowPrivate, string userAgent)
    {
        var handler = new SocketsHttpHandler
        {
            // A receiver's DNS may move; pooled connections follow it within two minutes.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        if (!allowPrivate)
        {
            handler.ConnectCallback = ConnectPublicAsync;
        }
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        return http;
    }

    private static async ValueTask<Stream> ConnectPublicAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        var address = addresses.FirstOrDefault(a => !IsPrivate(a))
            ?? throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves only to private addresses, which Tanager does not call out to.");
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
