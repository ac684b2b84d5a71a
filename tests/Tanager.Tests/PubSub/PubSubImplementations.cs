using Tanager.PubSub.Nats;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.PubSub;

/// <summary>The single-node default: every node is the same instance.</summary>
public sealed class InProcessPubSubSpecification : PubSubSpecification
{
    private readonly InProcessPubSub _pubSub = new();

    protected override Task<IPubSub> CreateNodeAsync() => Task.FromResult<IPubSub>(_pubSub);
}

/// <summary>NATS: each node is its own connection to the nats-server the test run shares.</summary>
public sealed class NatsPubSubSpecification : PubSubSpecification
{
    protected override async Task<IPubSub> CreateNodeAsync()
    {
        var server = await NatsServer.GetSharedAsync();
        var node = new NatsPubSub(new NatsPubSubOptions { Url = server.Url });
        await node.ConnectAsync();
        return node;
    }
}
