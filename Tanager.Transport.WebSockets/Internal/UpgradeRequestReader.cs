using System.Buffers;
using System.Text;

namespace Tanager.Transport.WebSockets.Internal;

internal enum UpgradeSniff
{
    /// <summary>What has arrived could still be the gateway's upgrade; read more.</summary>
    NeedMore,
    /// <summary>Not a gateway upgrade this reader accepts: the HTTP server answers it, as it would without the reader.</summary>
    NotGateway,
    /// <summary>A complete, valid RFC 6455 upgrade for the gateway's path.</summary>
    Gateway,
}

/// <summary>
/// Recognises the gateway's HTTP/1.1 opening handshake at the very start of a connection, so a listener can serve the
/// gateway straight from the socket instead of through the HTTP server's per-request state (about 7.6 KB a connection
/// for as long as it lives). It accepts only a strict, complete request (<c>GET {path}[?query] HTTP/1.1</c>, one
/// <c>Host</c>, no body, no <c>Origin</c> and no forwarding header, well-formed header lines within
/// <see cref="MaxHeadBytes"/>, the RFC 6455 headers checked by <see cref="WebSocketGateway.CheckHandshake"/>); for anything else it says <see cref="UpgradeSniff.NotGateway"/> and
/// the HTTP server, which sees the same bytes, gives its usual answer.
/// </summary>
internal static class UpgradeRequestReader
{
    /// <summary>The longest request head taken over; a longer one goes to the HTTP server and its own limits.</summary>
    public const int MaxHeadBytes = 8 * 1024;

    /// <summary>The longest gateway path accepted at configuration time.</summary>
    public const int MaxPathLength = 256;

    private static ReadOnlySpan<byte> Get => "GET "u8;
    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;
    private static ReadOnlySpan<byte> Version => " HTTP/1.1"u8;

    /// <summary>
    /// Decides from what has arrived so far. On <see cref="UpgradeSniff.Gateway"/>, <paramref name="headLength"/> is the
    /// request head's length including its blank line, and <paramref name="accept"/> the Sec-WebSocket-Accept value.
    /// </summary>
    public static UpgradeSniff Examine(in ReadOnlySequence<byte> buffer, string path, out long headLength, out string? accept)
    {
        headLength = 0;
        accept = null;
        // The request line's start decides most connections at the first byte that differs.
        var prefixLength = Get.Length + path.Length + 1;
        Span<byte> prefix = stackalloc byte[prefixLength];
        var available = (int)Math.Min(buffer.Length, prefixLength);
        buffer.Slice(0, available).CopyTo(prefix);
        if (!PrefixMatches(prefix[..available], path))
        {
            return UpgradeSniff.NotGateway;
        }
        var reader = new SequenceReader<byte>(buffer);
        if (available < prefixLength || !reader.TryReadTo(out ReadOnlySequence<byte> head, HeadEnd))
        {
            return buffer.Length >= MaxHeadBytes ? UpgradeSniff.NotGateway : UpgradeSniff.NeedMore;
        }
        if (reader.Consumed > MaxHeadBytes)
        {
            return UpgradeSniff.NotGateway;
        }
        Span<byte> bytes = stackalloc byte[(int)head.Length];
        head.CopyTo(bytes);
        if (!TryParse(bytes, path.Length, out accept))
        {
            return UpgradeSniff.NotGateway;
        }
        headLength = reader.Consumed;
        return UpgradeSniff.Gateway;
    }

    /// <summary>"GET " + path (ASCII case-insensitive, as routing matches it) + a space or '?', as far as it has arrived.</summary>
    private static bool PrefixMatches(ReadOnlySpan<byte> arrived, string path)
    {
        for (var i = 0; i < arrived.Length; i++)
        {
            var b = arrived[i];
            var matches = i < Get.Length ? b == Get[i]
                : i < Get.Length + path.Length ? char.ToLowerInvariant((char)b) == char.ToLowerInvariant(path[i - Get.Length])
                : b is (byte)' ' or (byte)'?';
            if (!matches)
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryParse(ReadOnlySpan<byte> head, int pathLength, out string? accept)
    {
        accept = null;
        var lineEnd = head.IndexOf(Crlf);
        var requestLine = lineEnd < 0 ? head : head[..lineEnd];
        // After "GET /path": an optional query of visible ASCII, then exactly " HTTP/1.1".
        var rest = requestLine[(Get.Length + pathLength)..];
        if (rest[0] == (byte)'?')
        {
            var space = rest.IndexOf((byte)' ');
            if (space < 0 || !IsVisible(rest[..space]))
            {
                return false;
            }
            rest = rest[space..];
        }
        if (!rest.SequenceEqual(Version))
        {
            return false;
        }
        string? host = null, upgrade = null, connection = null, version = null, key = null;
        var headers = lineEnd < 0 ? [] : head[(lineEnd + Crlf.Length)..];
        while (!headers.IsEmpty)
        {
            var end = headers.IndexOf(Crlf);
            var line = end < 0 ? headers : headers[..end];
            headers = end < 0 ? [] : headers[(end + Crlf.Length)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || !IsToken(line[..colon]))
            {
                return false;
            }
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (!IsFieldValue(value))
            {
                return false;
            }
            var name = line[..colon];
            var accepted = true;
            if (Is(name, "host"u8)) { accepted = Set(ref host, value); }
            else if (Is(name, "upgrade"u8)) { accepted = Set(ref upgrade, value); }
            else if (Is(name, "connection"u8)) { accepted = Set(ref connection, value); }
            else if (Is(name, "sec-websocket-version"u8)) { accepted = Set(ref version, value); }
            else if (Is(name, "sec-websocket-key"u8)) { accepted = Set(ref key, value); }
            // A body on an upgrade request is something the HTTP server should judge, not this reader; so are a browser's
            // upgrade (its Origin is checked against the allow-list) and a proxied one (its client address is known only
            // after the forwarded headers of trusted proxies are applied).
            else if (Is(name, "content-length"u8) || Is(name, "transfer-encoding"u8) || Is(name, "origin"u8)
                || Is(name, "forwarded"u8) || Is(name, "x-forwarded-for"u8)) { accepted = false; }
            if (!accepted)
            {
                return false;
            }
        }
        if (host is null)
        {
            return false;
        }
        var check = WebSocketGateway.CheckHandshake("GET", upgrade, connection, version, key);
        accept = check.Accept;
        return check.IsValid;
    }

    private static bool Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> lowerCase) => Ascii.EqualsIgnoreCase(name, lowerCase);

    /// <summary>Sets a header seen once; a repeated one is refused (the HTTP server would join the values).</summary>
    private static bool Set(ref string? field, ReadOnlySpan<byte> value)
    {
        if (field is not null)
        {
            return false;
        }
        field = Encoding.ASCII.GetString(value);
        return true;
    }

    private static bool IsVisible(ReadOnlySpan<byte> bytes) => !bytes.ContainsAnyExceptInRange((byte)0x21, (byte)0x7E);

    /// <summary>RFC 9110 field-value characters, restricted to ASCII: visible characters, space and tab.</summary>
    private static bool IsFieldValue(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is not ((>= 0x20 and <= 0x7E) or (byte)'\t'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>RFC 9110 token characters.</summary>
    private static bool IsToken(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            var ok = b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                || "!#$%&'*+-.^_`|~"u8.Contains(b);
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }
}
