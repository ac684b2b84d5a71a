using NUlid;

namespace Tanager;

/// <summary>Parses identifiers from outside. A malformed id is reported as "not found", like an id of something the caller cannot see.</summary>
public static class Ids
{
    public static Ulid Parse(string? value, string what)
    {
        if (value is { Length: 26 } && Ulid.TryParse(value, out var id))
        {
            return id;
        }
        throw TanagerException.NotFound(what);
    }
}
