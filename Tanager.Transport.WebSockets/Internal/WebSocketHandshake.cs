using System.Security.Cryptography;
using System.Text;

namespace Tanager.Transport.WebSockets.Internal;

/// <summary>Opening-handshake computations of RFC 6455 §4.</summary>
/// <remarks>
/// Both methods take the header value exactly as the HTTP layer delivers it (leading and trailing
/// whitespace already removed); they do not trim, so a key that validates is the key that is hashed.
/// </remarks>
internal static class WebSocketHandshake
{
    /// <summary>The GUID appended to the client key (§1.3, §4.2.2).</summary>
    public const string KeyGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    // 16 random bytes encode to exactly 24 base64 characters including "==" padding.
    private const int EncodedKeyLength = 24;
    private const int DecodedKeyLength = 16;

    /// <summary>
    /// True when <paramref name="key"/> is a base64 value that decodes to exactly 16 bytes, as
    /// Sec-WebSocket-Key must (§4.2.1 item 5; otherwise the server answers 400, §4.2.1).
    /// </summary>
    public static bool IsValidKey(string? key)
    {
        if (key is null || key.Length != EncodedKeyLength)
        {
            return false;
        }

        // 24 base64 characters can hold up to 18 bytes; the padding decides whether it is 16.
        Span<byte> decoded = stackalloc byte[18];
        return Convert.TryFromBase64String(key, decoded, out var written) && written == DecodedKeyLength;
    }

    /// <summary>
    /// Sec-WebSocket-Accept for <paramref name="key"/>: base64(SHA-1(key + <see cref="KeyGuid"/>)) (§4.2.2 item 5.4).
    /// </summary>
    public static string ComputeAccept(string key)
    {
        ArgumentNullException.ThrowIfNull(key);

        var input = key + KeyGuid;

        // IsValidKey is the gate; an unusual key is still hashed deterministically here rather than rejected.
        var byteCount = Encoding.UTF8.GetByteCount(input);
        Span<byte> bytes = byteCount <= 256 ? stackalloc byte[256] : new byte[byteCount];
        var written = Encoding.UTF8.GetBytes(input, bytes);

        // SHA-1 is mandated by §4.2.2; it only proves the server understood the handshake and carries
        // no security weight, so its weakness as a hash does not matter here.
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(bytes[..written], hash);
        return Convert.ToBase64String(hash);
    }
}
