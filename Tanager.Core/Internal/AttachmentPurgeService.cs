using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tanager.Internal;

/// <summary>
/// Runs the file lifecycle (<see cref="AttachmentService.PurgeExpiredAsync"/>) every
/// <see cref="AttachmentOptions.PurgeInterval"/> on every node: its work is claimed row by row in the store, so nodes
/// never remove the same file twice, and a restart loses nothing (what is due stays due in the store).
/// </summary>
internal sealed class AttachmentPurgeService(AttachmentService attachments, IOptions<TanagerOptions> options, TimeProvider time, ILogger<AttachmentPurgeService> logger)
    : PeriodicPurgeService(options.Value.Attachments.PurgeInterval, time)
{
    protected override Task<int> PurgeAsync(CancellationToken cancellationToken) => attachments.PurgeExpiredAsync(cancellationToken);

    protected override void LogPurged(int count) => Log.AttachmentsPurged(logger, count);

    protected override void LogFailed(Exception exception) => Log.AttachmentPurgeFailed(logger, exception);
}
