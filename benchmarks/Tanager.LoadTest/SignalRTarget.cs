using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Tanager.LoadTest;

/// <summary>The SignalR baseline (<c>/hub</c> of Tanager.Baselines): subscribers <c>Join</c> a group, the publisher invokes <c>Broadcast</c>.</summary>
internal sealed class SignalRTarget(Uri baseUrl) : IFanoutTarget
{
    private const string Group = "fanout";

    private readonly Uri _hubUrl = new(baseUrl, "hub");
    private readonly ConcurrentBag<HubConnection> _subscribers = [];
    private HubConnection? _publisher;
    private int _lostSubscribers;
    private volatile bool _disposing;

    public string Name => "signalr";

    public string PublishNote => "signalr: acknowledged when the Broadcast invocation completes (message written to every group member's connection).";

    public int LostSubscribers => Volatile.Read(ref _lostSubscribers);

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        _publisher = Build();
        await _publisher.StartAsync(cancellationToken);
    }

    public async Task ConnectSubscriberAsync(SubscriberTracker tracker, CancellationToken cancellationToken)
    {
        var connection = Build();
        _subscribers.Add(connection);
        connection.On<string>("message", payload => tracker.OnText(payload));
        connection.Closed += _ =>
        {
            if (!_disposing)
            {
                Interlocked.Increment(ref _lostSubscribers);
            }
            return Task.CompletedTask;
        };
        await connection.StartAsync(cancellationToken);
        await connection.InvokeAsync("Join", Group, cancellationToken);
    }

    public Task PublishAsync(string content, CancellationToken cancellationToken) =>
        (_publisher ?? throw new InvalidOperationException("PrepareAsync has not run.")).InvokeAsync("Broadcast", Group, content, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _disposing = true;
        await Connections.DisposeAllAsync(_subscribers);
        if (_publisher is not null)
        {
            await _publisher.DisposeAsync();
        }
    }

    // WebSockets without the negotiate round trip: the transport the other two targets use, and one HTTP request
    // fewer per connection while opening 1000 of them.
    private HubConnection Build() =>
        new HubConnectionBuilder()
            .WithUrl(_hubUrl, HttpTransportType.WebSockets, options => options.SkipNegotiation = true)
            .Build();
}
