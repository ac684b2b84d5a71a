using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Tanager.LoadTest;

/// <summary>
/// The SignalR baseline (<c>/hub</c> of Tanager.Baselines): each subscriber <c>Join</c>s the group of its channel, and
/// the one publisher connection invokes <c>Broadcast</c> with the group of each message's channel.
/// </summary>
internal sealed class SignalRTarget(Uri baseUrl) : IFanoutTarget
{
    private readonly Uri _hubUrl = new(baseUrl, "hub");
    private readonly ConcurrentBag<HubConnection> _subscribers = [];
    private HubConnection? _publisher;
    private string[] _groups = [];
    private volatile bool _disposing;

    public string Name => "signalr";

    public string PublishNote => "signalr: acknowledged when the Broadcast invocation completes (message written to every group member's connection).";

    public async Task PrepareAsync(int channels, CancellationToken cancellationToken)
    {
        // Names made once, so publishing does not format a string per message. One channel keeps the old group name.
        _groups = channels == 1
            ? ["fanout"]
            : [.. Enumerable.Range(0, channels).Select(channel => string.Create(CultureInfo.InvariantCulture, $"fanout-{channel}"))];
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
                tracker.OnLost();
            }
            return Task.CompletedTask;
        };
        await connection.StartAsync(cancellationToken);
        await connection.InvokeAsync("Join", _groups[tracker.Channel], cancellationToken);
    }

    public Task PublishAsync(string content, int channel, CancellationToken cancellationToken) =>
        (_publisher ?? throw new InvalidOperationException("PrepareAsync has not run.")).InvokeAsync("Broadcast", _groups[channel], content, cancellationToken);

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
