using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tanager.Internal;

/// <summary>
/// Deletes expired credentials and idle logins every <see cref="TanagerOptions.SessionPurgeInterval"/>. Authentication
/// already refuses them; this keeps the table from growing with sessions nobody will use again.
/// </summary>
internal sealed class SessionPurgeService(AccountService accounts, IOptions<TanagerOptions> options, TimeProvider time, ILogger<SessionPurgeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SessionPurgeInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var purged = await accounts.PurgeExpiredSessionsAsync(stoppingToken);
                if (purged > 0)
                {
                    Log.SessionsPurged(logger, purged);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.SessionPurgeFailed(logger, exception);
            }
        }
    }
}
