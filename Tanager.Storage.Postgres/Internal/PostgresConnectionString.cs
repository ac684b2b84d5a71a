using Npgsql;

namespace Tanager.Storage.Postgres.Internal;

/// <summary>Accepts both <c>postgres://user:password@host:port/database?…</c> URLs and Npgsql keyword strings.</summary>
internal static class PostgresConnectionString
{
    public static string Normalize(string value)
    {
        if (!value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) && !value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new NpgsqlConnectionStringBuilder(value) { NoResetOnClose = true }.ToString();
        }
        var uri = new Uri(value);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
            // DISCARD ALL on return is both useless and harmful behind PgBouncer in transaction mode.
            NoResetOnClose = true,
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var setting = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            // libpq spelling to Npgsql's where they differ.
            builder[key == "sslmode" ? "SSL Mode" : key] = setting;
        }
        return builder.ToString();
    }
}
