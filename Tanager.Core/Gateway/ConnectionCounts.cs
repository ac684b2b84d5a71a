using NUlid;

namespace Tanager;

/// <summary>
/// This node's open connections per client address and per user, against <see cref="RateLimitOptions"/>: at most so many
/// per address, fewer of them not yet identified, and so many per user. Counted per node: a flood lands on the node it
/// connects to, and a client's connections rarely spread over many nodes.
/// </summary>
internal sealed class ConnectionCounts(RateLimitOptions options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, AddressCount> _addresses = new(StringComparer.Ordinal);
    private readonly Dictionary<Ulid, int> _users = [];

    private int PerAddress => options.Enabled ? options.ConnectionsPerAddress : int.MaxValue;
    private int UnidentifiedPerAddress => options.Enabled ? options.UnidentifiedConnectionsPerAddress : int.MaxValue;
    private int PerUser => options.Enabled ? options.ConnectionsPerUser : int.MaxValue;

    /// <summary>Whether a new connection from <paramref name="address"/> would be admitted now (null: address unknown, always).</summary>
    public bool HasRoom(string? address)
    {
        if (address is null)
        {
            return true;
        }
        lock (_gate)
        {
            return !_addresses.TryGetValue(address, out var count) || (count.Open < PerAddress && count.Unidentified < UnidentifiedPerAddress);
        }
    }

    /// <summary>Counts a new, unidentified connection from <paramref name="address"/>, or refuses it.</summary>
    public bool TryAdmit(string address)
    {
        lock (_gate)
        {
            _addresses.TryGetValue(address, out var count);
            if (count.Open >= PerAddress || count.Unidentified >= UnidentifiedPerAddress)
            {
                return false;
            }
            _addresses[address] = new(count.Open + 1, count.Unidentified + 1);
            return true;
        }
    }

    /// <summary>Counts an identified connection of <paramref name="user"/>, or refuses it; its address's count moves from unidentified.</summary>
    public bool TryIdentify(string? admittedAddress, Ulid user)
    {
        lock (_gate)
        {
            _users.TryGetValue(user, out var open);
            if (open >= PerUser)
            {
                return false;
            }
            _users[user] = open + 1;
            if (admittedAddress is not null && _addresses.TryGetValue(admittedAddress, out var count))
            {
                _addresses[admittedAddress] = count with { Unidentified = count.Unidentified - 1 };
            }
            return true;
        }
    }

    /// <summary>Forgets a closed connection: admitted from <paramref name="admittedAddress"/>, identified as <paramref name="identifiedUser"/>.</summary>
    public void Release(string? admittedAddress, Ulid? identifiedUser)
    {
        lock (_gate)
        {
            if (admittedAddress is not null && _addresses.TryGetValue(admittedAddress, out var count))
            {
                count = new(count.Open - 1, identifiedUser is null ? count.Unidentified - 1 : count.Unidentified);
                if (count.Open <= 0)
                {
                    _addresses.Remove(admittedAddress);
                }
                else
                {
                    _addresses[admittedAddress] = count;
                }
            }
            if (identifiedUser is { } user && _users.TryGetValue(user, out var open))
            {
                if (open <= 1)
                {
                    _users.Remove(user);
                }
                else
                {
                    _users[user] = open - 1;
                }
            }
        }
    }

    private readonly record struct AddressCount(int Open, int Unidentified);
}
