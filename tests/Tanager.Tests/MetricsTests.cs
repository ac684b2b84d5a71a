using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Tanager.Transport.WebSockets.Internal;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// <c>/metrics</c> on <c>tanager serve</c>, read by a Prometheus text-format parser we did not write. Serial: the meters are
/// process-wide, so another test's traffic would show up in the counts.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_on_their_own_port_show_deliveries_a_slow_consumer_drop_and_send_latency_buckets_after_real_traffic()
    {
        var port = Ports.Free();
        await using var server = await TestServer.StartAsync(await TestServer.SettingsForAsync(TestStorage.Sqlite), o =>
        {
            o.Gateway.SendQueueBytes = 64 * 1024;
            o.Gateway.SendQueueFrames = 1024;
        }, configuration: new Dictionary<string, string?> { ["Metrics:Listen"] = $"http://127.0.0.1:{port}" });
        var metrics = new Uri($"http://127.0.0.1:{port}/metrics");
        using var http = new HttpClient();
        var before = await PrometheusScrape.GetAsync(http, metrics);
        var dropsBefore = before.Value("tanager_gateway_slow_consumers_total") ?? 0;
        var deliveriesBefore = before.Value("tanager_gateway_deliveries_total") ?? 0;

        // A reader that keeps up, and one that stops reading with a tiny receive window (as in SlowConsumerTests).
        var room = await ChatRoom.CreateAsync(server, members: 2);
        var hub = server.Services.GetRequiredService<GatewayHub>();
        await using var reader = await RawGatewayClient.ConnectAsync(server.Url);
        await reader.IdentifyAsync(room.Members[0].Token!);
        await using var stalled = await RawGatewayClient.ConnectAsync(server.Url, receiveBuffer: 4096);
        await stalled.IdentifyAsync(room.Members[1].Token!);
        await room.PostAsync("hello");
        await reader.ReadDispatchAsync("MESSAGE_CREATE");
        using var stop = new CancellationTokenSource();
        var reading = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && (await reader.ReadFrameAsync()).Opcode != WebSocketOpcode.Close)
            {
            }
        });
        var content = new string('x', 3900);
        var posts = 1;
        while (hub.SessionCount > 1 && posts < 2000)
        {
            await room.PostAsync(content);
            posts++;
        }
        Assert.True(await Eventually.Until(() => hub.SessionCount == 1), $"the stalled client is still connected after {posts} posts");
        Assert.False(reading.IsCompleted, "the reading client was disconnected too");
        await stop.CancelAsync();

        var after = await PrometheusScrape.GetAsync(http, metrics);
        var names = string.Join(", ", after.Names.Where(n => n.StartsWith("tanager", StringComparison.Ordinal)).Order());
        Assert.True(after.Value("tanager_gateway_deliveries_total") - deliveriesBefore >= posts, names);
        Assert.Equal("COUNTER", after.TypeOf("tanager_gateway_deliveries_total"));
        Assert.Equal(dropsBefore + 1, after.Value("tanager_gateway_slow_consumers_total"));
        Assert.True(after.Value("tanager_gateway_sessions") >= 1, names);
        Assert.True(after.Value("tanager_gateway_frames_sent_total") > 0, names);

        Assert.Equal("HISTOGRAM", after.TypeOf("tanager_send_duration_seconds"));
        var (buckets, count) = after.Histogram("tanager_send_duration_seconds");
        Assert.True(count >= posts, $"{count} sends counted, {posts} made");
        Assert.Equal(15, buckets.Count);
        Assert.Contains(buckets, b => b.Le != "+Inf" && b.Count > 0);
        // Cumulative buckets: each at least the one before it.
        var ordered = buckets.Where(b => b.Le != "+Inf").OrderBy(b => double.Parse(b.Le, System.Globalization.CultureInfo.InvariantCulture)).Select(b => b.Count).ToList();
        Assert.Equal(ordered.Order(), ordered);
        var (batches, commits) = after.Histogram("tanager_send_batch_size");
        Assert.True(commits is > 0 and <= 2000 && batches.Count > 0, $"{commits} group commits");
        Assert.True(after.Histogram("tanager_store_append_duration_seconds").Count > 0);

        // Not on the main port, and nothing but /metrics on the metrics port.
        using (var main = await http.GetAsync(new Uri(server.Url, "metrics")))
        {
            Assert.Equal(HttpStatusCode.NotFound, main.StatusCode);
        }
        using (var other = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health")))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }
    }

    [Fact]
    public async Task A_send_is_traced_as_send_then_a_group_commit_linked_to_it_then_its_publish()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TanagerDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 1);

        await room.PostAsync("traced");

        var send = Assert.Single(stopped, a => a.OperationName == "tanager.send" && (string?)a.GetTagItem("tanager.channel.id") == room.Channel.Id);
        var commit = Assert.Single(stopped, a => a.OperationName == "tanager.send.commit" && a.Links.Any(l => l.Context.SpanId == send.SpanId));
        Assert.Equal(default, commit.ParentSpanId);
        Assert.True((int)commit.GetTagItem("tanager.batch.size")! >= 1);
        var publish = Assert.Single(stopped, a => a.OperationName == "tanager.send.publish" && a.ParentSpanId == send.SpanId);
        Assert.Equal((send.TraceId, ActivityKind.Producer), (publish.TraceId, publish.Kind));
        Assert.True(commit.StartTimeUtc >= send.StartTimeUtc && publish.StartTimeUtc >= commit.StartTimeUtc);
    }

    [Fact]
    public async Task Metrics_are_off_unless_configured()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(server.Url, "metrics"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_can_share_the_main_port()
    {
        await using var server = await TestServer.StartAsync(TestServer.InMemorySettings(), configuration: new Dictionary<string, string?> { ["Metrics:Listen"] = "main" });
        var user = await server.NewUserAsync();
        await using var gateway = await RawGatewayClient.ConnectAsync(server.Url);
        await gateway.IdentifyAsync(user.Token!);
        using var http = new HttpClient();
        var scrape = await PrometheusScrape.GetAsync(http, new Uri(server.Url, "metrics"));
        Assert.Equal("GAUGE", scrape.TypeOf("tanager_gateway_sessions"));
        Assert.True(scrape.Value("tanager_gateway_sessions") >= 1);
    }
}
