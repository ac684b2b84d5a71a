using Microsoft.Extensions.Hosting;

namespace Tanager.Internal;

/// <summary>
/// Starts the gateway hub with the host, and drains it when the host begins to stop, before the web server stops: StoppingAsync of lifecycle services runs
/// ahead of every StopAsync, so clients get RECONNECT while the node can still answer them.
/// </summary>
internal sealed class GatewayDrainService(GatewayHub hub, Microsoft.Extensions.Options.IOptions<TanagerOptions> options) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => hub.StartAsync(cancellationToken);
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => hub.DrainAsync(options.Value.DrainTimeout, cancellationToken);
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
