using System.Net;
using System.Net.Sockets;

namespace Tanager.AspNetCore.Internal;

/// <summary>The key that per-address limits count a client under.</summary>
internal static class ClientAddress
{
    /// <summary>
    /// An IPv4 address as itself (an IPv4-mapped IPv6 one too, so both listeners agree); an IPv6 address by its /64
    /// prefix, since one subscriber routinely holds a whole /64 and could otherwise use a fresh address per attempt.
    /// Null when unknown (not a TCP connection): such a client is not counted per address.
    /// </summary>
    public static string? Key(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address.ToString();
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
