using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tanager;
using Tanager.AspNetCore.Internal;

namespace Microsoft.Extensions.DependencyInjection;

public static class TanagerHealthCheckExtensions
{
    /// <summary>The tag of every check <see cref="AddTanagerChecks"/> adds: map a readiness endpoint to the checks with it.</summary>
    public const string ReadyTag = "ready";

    /// <summary>A check that does not answer in this time counts as failed: a probe must not hang on a dead database.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Adds Tanager's readiness checks, tagged <see cref="ReadyTag"/>: <c>tanager-store</c> (a primary-key lookup),
    /// <c>tanager-pubsub</c> (NATS connected; in-process always is), <c>tanager-files</c> (one metadata lookup on local
    /// disk or S3) and <c>tanager-gateway</c> (unhealthy while the node drains for shutdown). A liveness endpoint should
    /// run none of them: a stopped database is no reason to restart the process.
    /// </summary>
    /// <example><code>
    /// builder.Services.AddHealthChecks().AddTanagerChecks();
    /// app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains(TanagerHealthCheckExtensions.ReadyTag) });
    /// </code></example>
    public static IHealthChecksBuilder AddTanagerChecks(this IHealthChecksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        string[] tags = [ReadyTag];
        return builder
            .Add(new HealthCheckRegistration("tanager-store", sp => new ProbeReadinessCheck("store", sp.GetRequiredService<ReadinessService>().ProbeStoreAsync), HealthStatus.Unhealthy, tags, Timeout))
            .Add(new HealthCheckRegistration("tanager-pubsub", sp => ActivatorUtilities.CreateInstance<PubSubReadinessCheck>(sp), HealthStatus.Unhealthy, tags, Timeout))
            .Add(new HealthCheckRegistration("tanager-files", sp => new ProbeReadinessCheck("file store", sp.GetRequiredService<ReadinessService>().ProbeFileStoreAsync), HealthStatus.Unhealthy, tags, Timeout))
            .Add(new HealthCheckRegistration("tanager-gateway", sp => ActivatorUtilities.CreateInstance<GatewayReadinessCheck>(sp), HealthStatus.Unhealthy, tags, Timeout));
    }
}
