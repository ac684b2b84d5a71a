using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tanager.Internal;

/// <summary>
/// Deletes expired credentials and idle logins every <see cref="TanagerOptions.SessionPurgeInterval"/>. Authentication
/// already refuses them; this keeps the table from growing with sessions nobody will use again.
/// </summary>
internal sealed class SessionPurgeService(AccountService accounts, IOptions<TanagerOptions> options, TimeProvider time, ILogger<SessionPurgeService> logger)
    : PeriodicPurgeService(options.Value.SessionPurgeInterval, time)
{
    protected override Task<int> PurgeAsync(CancellationToken cancellationToken) => accounts.PurgeExpiredSessionsAsync(cancellationToken);

    protected override void LogPurged(int count) => Log.SessionsPurged(logger, count);

    protected override void LogFailed(Exception exception) => Log.SessionPurgeFailed(logger, exception);
}
