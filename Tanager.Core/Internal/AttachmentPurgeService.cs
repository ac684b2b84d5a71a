using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tanager.Internal;

/// <summary>
/// Runs the file lifecycle (<see cref="AttachmentService.PurgeExpiredAsync"/>) every
/// <see cref="AttachmentOptions.PurgeInterval"/> on every node: its work is claimed row by row in the store, so nodes
/// never remove the same file twice, and a restart loses nothing (what is due stays due in the store).
/// </summary>
internal sealed class AttachmentPurgeService(AttachmentService attachments, IOptions<TanagerOptions> options, TimeProvider time, ILogger<AttachmentPurgeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Attachments.PurgeInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var removed = await attachments.PurgeExpiredAsync(stoppingToken);
                if (removed > 0)
                {
                    Log.AttachmentsPurged(logger, removed);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.AttachmentPurgeFailed(logger, exception);
            }
        }
    }
}
