using Tanager.Storage.Postgres;

namespace Tanager;

public static class PostgresTanagerBuilderExtensions
{
    /// <summary>
    /// Stores everything in PostgreSQL. <paramref name="connectionString"/> is a <c>postgres://user:password@host:port/db</c>
    /// URL or an Npgsql connection string. The schema is migrated at start-up.
    /// </summary>
    public static TanagerBuilder UsePostgres(this TanagerBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStore(_ => new PostgresStore(connectionString));
    }
}
