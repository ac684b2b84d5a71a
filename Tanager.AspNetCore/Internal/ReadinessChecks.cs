using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tanager.AspNetCore.Internal;

// Tanager's readiness checks (AddTanagerChecks). The store and the file store are asked through Core's ReadinessService
// (no endpoint reaches a store); none says why it failed beyond its component's name, since a probe's answer may be
// public (exceptions go to the health check log, not the response).

/// <summary>
/// A component asked through one of <see cref="ReadinessService"/>'s probes (the store, the file store): healthy when the
/// probe returns, unhealthy when it throws.
/// </summary>
internal sealed class ProbeReadinessCheck(string component, Func<CancellationToken, Task> probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await probe(cancellationToken);
            return HealthCheckResult.Healthy($"The {component} answers.");
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The {component} does not answer.", exception);
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

/// <summary>The gateway: not ready from the moment the node starts draining for shutdown, so balancers send no one new.</summary>
internal sealed class GatewayReadinessCheck(GatewayHub hub) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(hub.IsDraining
            ? new HealthCheckResult(context.Registration.FailureStatus, "Draining for shutdown.")
            : HealthCheckResult.Healthy($"{hub.SessionCount} gateway sessions."));
}
