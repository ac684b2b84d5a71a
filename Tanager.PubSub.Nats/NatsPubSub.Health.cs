using Microsoft.Extensions.Diagnostics.HealthChecks;
using NATS.Client.Core;

namespace Tanager.PubSub.Nats;

public sealed partial class NatsPubSub : IHealthCheck
{
    /// <summary>
    /// Healthy while the connection to NATS is open. While it is not, this node neither hears other nodes' events nor
    /// can announce its own (its clients catch up once it reconnects), so it should take no new clients.
    /// </summary>
    Task<HealthCheckResult> IHealthCheck.CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = _connection.ConnectionState;
        return Task.FromResult(state == NatsConnectionState.Open
            ? HealthCheckResult.Healthy("NATS connected.")
            : new HealthCheckResult(context.Registration.FailureStatus, $"NATS {state}."));
    }
}
