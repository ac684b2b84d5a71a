namespace Tanager.Storage.Postgres.Internal;

/// <summary>The embedded SQL migrations: <c>NNNN_name.sql</c> in order, and the Citus distribution step.</summary>
internal static class PostgresMigrations
{
    public static IEnumerable<(int Number, string Sql)> All()
    {
        var assembly = typeof(PostgresMigrations).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => char.IsAsciiDigit(n[0])).Order(StringComparer.Ordinal))
        {
            yield return (int.Parse(name.AsSpan(0, 4), System.Globalization.CultureInfo.InvariantCulture), Read(name));
        }
    }

    public static string Citus() => Read("citus.sql");

    private static string Read(string name)
    {
        using var stream = typeof(PostgresMigrations).Assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
