using Microsoft.Extensions.Hosting;

namespace Tanager.Internal;

/// <summary>Migrates every registered store before the host starts serving (hosted services start before the web server).</summary>
internal sealed class StorageMigrationService(IEnumerable<IStorageMigrator> migrators) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var migrator in migrators)
        {
            await migrator.MigrateAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
