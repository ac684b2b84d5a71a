using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Tanager.LoadTest;

/// <summary>
/// The SignalR baseline (<c>/hub</c> of Tanager.Baselines): each subscriber <c>Join</c>s the group of its channel, and
/// the one publisher connection invokes <c>Broadcast</c> with the group of each message's channel. Subscribers speak
/// the hub's JSON protocol over a <see cref="RawSocket"/>, like the other targets' subscribers, so that what is measured
/// is the server and not the SignalR client's cost per message; the publisher is the SignalR client.
/// </summary>
internal sealed class SignalRTarget(Uri baseUrl) : IFanoutTarget
{
    // SignalR's JSON hub protocol: records end with 0x1E; type 1 is an invocation, 3 its completion, 6 a ping.
    private const byte RecordSeparator = 0x1E;
    private const int MaxRecordsBeforeExpected = 16;
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);
    private static readonly byte[] HandshakeRequest = Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e");
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    private readonly Uri _hubUrl = new(baseUrl, "hub");
    private readonly Uri _socketUrl = WebSocketUris.For(baseUrl, "hub");
    private readonly ConcurrentBag<RawSocket> _subscribers = [];
    private HubConnection? _publisher;
    private string[] _groups = [];

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
        var socket = new RawSocket();
        _subscribers.Add(socket);
        await socket.ConnectAsync(_socketUrl, cancellationToken);
        await socket.SendAsync(HandshakeRequest, cancellationToken);
        await ExpectRecordAsync(socket, record => record.StartsWith("{}"u8), "the handshake response", cancellationToken);
        await socket.SendAsync(JoinInvocation(_groups[tracker.Channel]), cancellationToken);
        await ExpectRecordAsync(socket, record => record.IndexOf("\"type\":3"u8) >= 0, "Join's completion", cancellationToken);

        socket.StartReceiving(
            message =>
            {
                // The server writes what its connection has queued as one WebSocket message: one record or several.
                foreach (var record in message.Split(RecordSeparator))
                {
                    tracker.OnFrame(message[record]);
                }
            },
            tracker.OnLost);
        // The hub closes a client it has not heard from for ClientTimeoutInterval (30 s); the SignalR client pings every 15 s.
        socket.StartHeartbeat(PingInterval, Ping);
    }

    public Task PublishAsync(string content, int channel, CancellationToken cancellationToken) =>
        (_publisher ?? throw new InvalidOperationException("PrepareAsync has not run.")).InvokeAsync("Broadcast", _groups[channel], content, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Connections.DisposeAllAsync(_subscribers);
        if (_publisher is not null)
        {
            await _publisher.DisposeAsync();
        }
    }

    private static ReadOnlyMemory<byte> JoinInvocation(string group) =>
        Encoding.UTF8.GetBytes($"{{\"type\":1,\"invocationId\":\"0\",\"target\":\"Join\",\"arguments\":[\"{group}\"]}}\u001e");

    /// <summary>Reads records until one matches; a record with an error, or too many others first, ends the connect.</summary>
    private static async Task ExpectRecordAsync(RawSocket socket, RecordTest test, string what, CancellationToken cancellationToken)
    {
        for (var seen = 0; seen < MaxRecordsBeforeExpected;)
        {
            var message = await socket.ReceiveAsync(cancellationToken)
                ?? throw new InvalidOperationException($"The hub closed the connection before {what}: {socket.CloseStatus} {socket.CloseStatusDescription}");
            foreach (var range in message.Span.Split(RecordSeparator))
            {
                var record = message.Span[range];
                if (record.IsEmpty)
                {
                    continue;
                }
                if (record.IndexOf("\"error\""u8) >= 0)
                {
                    throw new InvalidOperationException($"The hub answered with an error instead of {what}: {Encoding.UTF8.GetString(record)}");
                }
                if (test(record))
                {
                    return;
                }
                seen++;
            }
        }
        throw new InvalidOperationException($"The hub did not send {what}.");
    }

    private delegate bool RecordTest(ReadOnlySpan<byte> record);

    // WebSockets without the negotiate round trip: the transport the other two targets use, and one HTTP request
    // fewer per connection while opening 1000 of them.
    private HubConnection Build() =>
        new HubConnectionBuilder()
            .WithUrl(_hubUrl, HttpTransportType.WebSockets, options => options.SkipNegotiation = true)
            .Build();
}
