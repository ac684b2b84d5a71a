using Microsoft.Extensions.Hosting;

namespace Tanager.Internal;

/// <summary>
/// Runs a purge every <paramref name="interval"/> until the host stops. A failed round is logged and the next one runs
/// on time: what was due stays due in the store.
/// </summary>
internal abstract class PeriodicPurgeService(TimeSpan interval, TimeProvider time) : BackgroundService
{
    /// <summary>One round; returns how many items it removed.</summary>
    protected abstract Task<int> PurgeAsync(CancellationToken cancellationToken);

    protected abstract void LogPurged(int count);

    protected abstract void LogFailed(Exception exception);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var purged = await PurgeAsync(stoppingToken);
                if (purged > 0)
                {
                    LogPurged(purged);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(exception);
            }
        }
    }
}
