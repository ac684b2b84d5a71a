using Microsoft.Extensions.Hosting;

namespace Tanager.PubSub.Nats.Internal;

/// <summary>
/// Connects to NATS while the host starts (hosted services start before the web server), so a wrong URL or a server that
/// is down stops the start with a clear error instead of surfacing at the first event.
/// </summary>
internal sealed class NatsConnectService(IPubSub pubSub) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        pubSub is NatsPubSub nats ? nats.ConnectAsync(cancellationToken) : Task.CompletedTask;

    // The container disposes the pub/sub (closing the connection) after every hosted service, the gateway drain included, has stopped.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
