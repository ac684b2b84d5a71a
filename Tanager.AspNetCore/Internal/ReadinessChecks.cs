using Microsoft.Extensions.Diagnostics.HealthChecks;
using NUlid;

namespace Tanager.AspNetCore.Internal;

// Tanager's readiness checks (AddTanagerChecks). Each asks one component through the seam the engine already uses, the
// cheapest question that still needs the component to answer; none says why it failed beyond its component's name, since
// a probe's answer may be public (exceptions go to the health check log, not the response).

/// <summary>The store: one primary-key lookup of a user that cannot exist (a round trip to PostgreSQL; a read on SQLite).</summary>
internal sealed class StoreReadinessCheck(IUserStore users) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            _ = await users.GetAsync(Ulid.Empty, cancellationToken);
            return HealthCheckResult.Healthy("The store answers.");
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The store does not answer.", exception);
        }
    }
}

/// <summary>
/// The pub/sub: a pub/sub that can break (NATS) answers for itself (<see cref="IHealthCheck"/>); the in-process one cannot
/// break.
/// </summary>
internal sealed class PubSubReadinessCheck(IPubSub pubSub) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        pubSub is IHealthCheck check ? check.CheckHealthAsync(context, cancellationToken) : Task.FromResult(HealthCheckResult.Healthy("In-process pub/sub."));
}

/// <summary>The file store: the size of a file that does not exist (a HEAD request to S3; a file lookup on local disk).</summary>
internal sealed class FileStoreReadinessCheck(IFileStore files) : IHealthCheck
{
    private const string ProbeKey = "tanager-health-probe";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            _ = await files.GetSizeAsync(ProbeKey, cancellationToken);
            return HealthCheckResult.Healthy("The file store answers.");
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The file store does not answer.", exception);
        }
    }
}

/// <summary>The gateway: not ready from the moment the node starts draining for shutdown, so balancers send no one new.</summary>
internal sealed class GatewayReadinessCheck(GatewayHub hub) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(hub.IsDraining
            ? new HealthCheckResult(context.Registration.FailureStatus, "Draining for shutdown.")
            : HealthCheckResult.Healthy($"{hub.SessionCount} gateway sessions."));
}
