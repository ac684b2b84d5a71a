using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using NUlid;

namespace Tanager.Internal;

/// <summary>
/// A slash command invocation id: what the bot needs to reply, signed with the command's secret. Any node checks it
/// against the stored command, so replies need no shared memory of invocations; deleting the command voids its ids.
/// Layout (base64url): version (1), invocation ULID (16, its time is the invocation's), command id (16), channel id (16),
/// invoking user id (16), name length (1), name (ASCII, at most 32), then HMAC-SHA256 (32) over the workspace id and all
/// of the above. At most 130 bytes, 174 characters.
/// </summary>
internal readonly record struct InvocationId(Ulid Id, Ulid CommandId, Ulid ChannelId, Ulid UserId, string Command)
{
    private const byte Version = 1;
    private const int MacLength = 32;
    private const int FixedLength = 1 + (4 * 16) + 1;

    public DateTimeOffset CreatedAt => Id.Time;

    public string Sign(Ulid workspaceId, byte[] secret)
    {
        var payload = Payload();
        var mac = Mac(secret, workspaceId, payload);
        return Base64Url.EncodeToString([.. payload, .. mac]);
    }

    /// <summary>The id's fields, without checking the signature (that needs the command, named by <see cref="Command"/>).</summary>
    public static bool TryRead(string? text, out InvocationId invocation, out byte[] signed)
    {
        invocation = default;
        signed = [];
        // 174 characters at most: anything longer is not an id of ours, and is not worth decoding.
        if (string.IsNullOrEmpty(text) || text.Length > 200)
        {
            return false;
        }
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return false;
        }
        if (bytes.Length < FixedLength + 1 + MacLength || bytes[0] != Version)
        {
            return false;
        }
        var nameLength = bytes[FixedLength - 1];
        if (nameLength is 0 or > SlashCommandService.MaxNameLength || bytes.Length != FixedLength + nameLength + MacLength)
        {
            return false;
        }
        var name = Encoding.ASCII.GetString(bytes, FixedLength, nameLength);
        invocation = new InvocationId(new Ulid(bytes.AsSpan(1, 16)), new Ulid(bytes.AsSpan(17, 16)), new Ulid(bytes.AsSpan(33, 16)), new Ulid(bytes.AsSpan(49, 16)), name);
        signed = bytes;
        return true;
    }

    /// <summary>Whether <paramref name="signed"/> (as read by <see cref="TryRead"/>) carries this command's signature.</summary>
    public static bool Verify(byte[] signed, Ulid workspaceId, byte[] secret)
    {
        var payload = signed.AsSpan(0, signed.Length - MacLength);
        return CryptographicOperations.FixedTimeEquals(Mac(secret, workspaceId, payload), signed.AsSpan(signed.Length - MacLength));
    }

    private byte[] Payload()
    {
        var name = Encoding.ASCII.GetBytes(Command);
        var payload = new byte[FixedLength + name.Length];
        payload[0] = Version;
        Id.ToByteArray().CopyTo(payload, 1);
        CommandId.ToByteArray().CopyTo(payload, 17);
        ChannelId.ToByteArray().CopyTo(payload, 33);
        UserId.ToByteArray().CopyTo(payload, 49);
        payload[FixedLength - 1] = (byte)name.Length;
        name.CopyTo(payload, FixedLength);
        return payload;
    }

    private static byte[] Mac(byte[] secret, Ulid workspaceId, ReadOnlySpan<byte> payload)
    {
        Span<byte> input = stackalloc byte[16 + payload.Length];
        workspaceId.ToByteArray().CopyTo(input);
        payload.CopyTo(input[16..]);
        return HMACSHA256.HashData(secret, input);
    }
}
