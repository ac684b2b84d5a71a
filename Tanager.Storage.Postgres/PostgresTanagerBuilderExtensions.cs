using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tanager.Storage.Postgres;

namespace Tanager;

public static class PostgresTanagerBuilderExtensions
{
    /// <summary>
    /// Stores everything in PostgreSQL. <paramref name="connectionString"/> is a <c>postgres://user:password@host:port/db</c>
    /// URL or an Npgsql connection string. The schema is migrated at start-up. Npgsql logs through the host's logger factory.
    /// </summary>
    public static TanagerBuilder UsePostgres(this TanagerBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseStore(services => new PostgresStore(connectionString, services.GetService<ILoggerFactory>()));
    }
}
