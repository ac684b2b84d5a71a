using System.Collections.Frozen;

namespace Tanager.Internal;

/// <summary>
/// The passwords refused for being among the most common (NIST SP 800-63B §5.1.1.2: "passwords obtained from previous
/// breach corpuses"), compared case-insensitively. The list is read on first use (~11,600 entries, ~1 MB as a set).
/// </summary>
internal static class CommonPasswords
{
    private static readonly Lazy<FrozenSet<string>> List = new(Load);

    public static bool Contains(string password) => List.Value.Contains(password.ToLowerInvariant());

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream("Tanager.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is missing from Tanager.Core.");
        using var reader = new StreamReader(stream);
        var passwords = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                passwords.Add(line.ToLowerInvariant());
            }
        }
        return passwords.ToFrozenSet(StringComparer.Ordinal);
    }
}
