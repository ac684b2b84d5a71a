using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using NUlid;
using Tanager.PubSub.Nats;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests.PubSub;

/// <summary>
/// What the NATS adapter does beyond the <see cref="PubSubSpecification"/>: outages, drops and their catch-up signal,
/// start-up failures, authentication and logging. Tests that stop the server start their own.
/// </summary>
public sealed class NatsPubSubTests
{
    private static async Task<NatsPubSub> ConnectAsync(string url, Action<NatsPubSubOptions>? configure = null, ILoggerFactory? loggerFactory = null)
    {
        var options = new NatsPubSubOptions { Url = url };
        configure?.Invoke(options);
        var pubSub = new NatsPubSub(options, loggerFactory);
        await pubSub.ConnectAsync();
        return pubSub;
    }

    private static byte[] Numbered(int number)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, number);
        return bytes;
    }

    private static string NewSubject() => Subjects.Channel(Ulid.NewUlid(), Ulid.NewUlid());

    [Fact]
    public async Task A_server_restart_raises_DeliveriesLost_once_after_delivery_resumes_without_resubscribing()
    {
        await using var server = await NatsServer.StartAsync();
        await using var subscriber = await ConnectAsync(server.Url);
        await using var publisher = await ConnectAsync(server.Url);
        var subject = NewSubject();
        var received = new ConcurrentQueue<int>();
        await using var subscription = await subscriber.SubscribeAsync(subject, (_, _, payload) => received.Enqueue(BinaryPrimitives.ReadInt32BigEndian(payload.Span)));
        // When DeliveriesLost is raised the subscription must already be live: a payload published by this node from
        // inside the handler has to arrive.
        var lostSignals = 0;
        subscriber.DeliveriesLost += (_, _) =>
        {
            Interlocked.Increment(ref lostSignals);
            _ = subscriber.PublishAsync(subject, EventHeader.NodeWord, Numbered(-1)).AsTask();
        };

        using var stop = new CancellationTokenSource();
        var next = 0;
        var publishing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await publisher.PublishAsync(subject, EventHeader.NodeWord, Numbered(Interlocked.Increment(ref next)));
                await Task.Delay(5);
            }
        });
        Assert.True(await Eventually.Until(() => received.Count >= 20), "no delivery before the restart");

        await server.RestartAsync();

        Assert.True(await Eventually.Until(() => received.Contains(-1), 30), $"no live delivery signalled after the restart; {lostSignals} signals\n{server.Log}");
        var afterSignal = Volatile.Read(ref next);
        Assert.True(await Eventually.Until(() => received.Any(n => n > afterSignal)), "the publisher's stream did not resume on the old subscription");
        await stop.CancelAsync();
        await publishing;
        // Exactly one catch-up signal for one outage, even though the publisher kept publishing through it.
        await Task.Delay(1500);
        Assert.Equal(1, lostSignals);
        Assert.True(publisher.DroppedPublishes >= 0);
    }

    [Fact]
    public async Task A_publish_during_an_outage_returns_within_its_timeout_and_leads_to_DeliveriesLost()
    {
        await using var server = await NatsServer.StartAsync();
        await using var node = await ConnectAsync(server.Url, o => o.CommandTimeout = TimeSpan.FromSeconds(1));
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.DeliveriesLost += (_, _) => lost.TrySetResult();
        var subject = NewSubject();

        await server.StopAsync();
        Assert.True(await Eventually.Until(() => !node.IsConnected), "the client did not notice the server was gone");
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 100; i++)
        {
            await node.PublishAsync(subject, EventHeader.NodeWord, Numbered(i)).AsTask().Within(5);
        }
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"100 publishes during the outage took {clock.Elapsed}");
        Assert.Equal(100, node.DroppedPublishes);
        Assert.False(lost.Task.IsCompleted, "DeliveriesLost was raised while NATS was still down");

        await server.StartAgainAsync();
        await lost.Task.Within(30);
        Assert.True(node.IsConnected);
    }

    [Fact]
    public async Task A_subscribe_while_the_server_is_down_fails_within_its_timeout_naming_the_server()
    {
        await using var server = await NatsServer.StartAsync();
        await using var node = await ConnectAsync(server.Url, o => o.CommandTimeout = TimeSpan.FromSeconds(1));
        await server.StopAsync();
        Assert.True(await Eventually.Until(() => !node.IsConnected));

        var clock = Stopwatch.StartNew();
        var exception = await Assert.ThrowsAsync<NatsUnreachableException>(async () => await node.SubscribeAsync(NewSubject(), (_, _, _) => { }));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the subscribe took {clock.Elapsed}");
        Assert.Contains(server.Url, exception.Message, StringComparison.Ordinal);

        // Once the server is back, subscribing works again.
        await server.StartAgainAsync();
        Assert.True(await Eventually.Until(() => node.IsConnected, 30));
        var subject = NewSubject();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await node.SubscribeAsync(subject, (_, _, _) => arrived.TrySetResult());
        await node.PublishAsync(subject, EventHeader.NodeWord, Numbered(1));
        await arrived.Task.Within();
    }

    [Fact]
    public async Task A_full_subscription_buffer_drops_counts_and_raises_DeliveriesLost_and_the_subscription_goes_on()
    {
        var server = await NatsServer.GetSharedAsync();
        await using var node = await ConnectAsync(server.Url, o => o.SubscriptionBufferCapacity = 16);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.DeliveriesLost += (_, _) => lost.TrySetResult();
        var subject = NewSubject();
        using var release = new ManualResetEventSlim();
        var received = new ConcurrentQueue<int>();
        await using var subscription = await node.SubscribeAsync(subject, (_, _, payload) =>
        {
            // Stands in for a starved process: the handler stalls on the first payload while 200 more arrive.
            release.Wait(TimeSpan.FromSeconds(20));
            received.Enqueue(BinaryPrimitives.ReadInt32BigEndian(payload.Span));
        });

        for (var i = 0; i < 200; i++)
        {
            await node.PublishAsync(subject, EventHeader.NodeWord, Numbered(i));
        }
        Assert.True(await Eventually.Until(() => node.DroppedDeliveries > 0), $"nothing was dropped: {received.Count} received, {node.DroppedPublishes} publishes dropped, connected: {node.IsConnected}");
        release.Set();

        Assert.True(await Eventually.Until(() => lost.Task.IsCompleted), $"no DeliveriesLost: {node.DroppedDeliveries} dropped, {received.Count} received, connected: {node.IsConnected}");
        Assert.True(received.Count + node.DroppedDeliveries <= 200);
        // The buffer drains first: a payload published while it is still full would be dropped too, rightly.
        Assert.True(await Eventually.Until(() => received.Count + node.DroppedDeliveries == 200), $"{node.DroppedDeliveries} dropped, {received.Count} received");
        await node.PublishAsync(subject, EventHeader.NodeWord, Numbered(1000));
        Assert.True(await Eventually.Until(() => received.Contains(1000)), $"the subscription stopped after dropping: {node.DroppedDeliveries} dropped, {received.Count} received");
        // What did arrive arrived in order.
        Assert.Equal(received.Order(), received);
    }

    [Fact]
    public async Task A_handler_that_throws_does_not_end_its_subscription()
    {
        var server = await NatsServer.GetSharedAsync();
        await using var node = await ConnectAsync(server.Url);
        var subject = NewSubject();
        var received = new ConcurrentQueue<int>();
        await using var subscription = await node.SubscribeAsync(subject, (_, _, payload) =>
        {
            var number = BinaryPrimitives.ReadInt32BigEndian(payload.Span);
            received.Enqueue(number);
            if (number == 1)
            {
                throw new InvalidOperationException("a faulty listener");
            }
        });

        await node.PublishAsync(subject, EventHeader.NodeWord, Numbered(1));
        await node.PublishAsync(subject, EventHeader.NodeWord, Numbered(2));

        Assert.True(await Eventually.Until(() => received.Count == 2));
        Assert.Equal([1, 2], received);
    }

    [Fact]
    public async Task Connecting_to_a_server_that_is_not_there_fails_naming_it_without_credentials()
    {
        var port = Ports.Free();
        await using var node = new NatsPubSub(new NatsPubSubOptions { Url = $"nats://ann:s3cret@127.0.0.1:{port}", ConnectTimeout = TimeSpan.FromSeconds(2) });

        var exception = await Assert.ThrowsAsync<NatsUnreachableException>(() => node.ConnectAsync()).Within(30);

        Assert.Contains($"nats://***@127.0.0.1:{port}", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", exception.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("ann:", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("user", "--user", "ann", "--pass", "s3cret")]
    [InlineData("token", "--auth", "t0ken-value")]
    public async Task User_password_and_token_authentication_work_with_the_placeholder_NKeys_package(string kind, params string[] serverArguments)
    {
        // build/local-feed serves an empty NATS.NKeys; only NKey/JWT authentication may need the real one.
        await using var server = await NatsServer.StartAsync(serverArguments);
        var credentials = kind == "user" ? "ann:s3cret@" : "t0ken-value@";
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        await using var node = await ConnectAsync($"nats://{credentials}127.0.0.1:{server.Port}", loggerFactory: loggerFactory);
        var subject = NewSubject();
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await node.SubscribeAsync(subject, (_, _, _) => arrived.TrySetResult());
        await node.PublishAsync(subject, EventHeader.NodeWord, Numbered(1));
        await arrived.Task.Within();

        // A restart makes both our log and NATS.Net's log the URL again: the secret must be in neither.
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.DeliveriesLost += (_, _) => lost.TrySetResult();
        await server.RestartAsync();
        await lost.Task.Within(30);
        Assert.Equal($"nats://***@127.0.0.1:{server.Port}", node.Url);
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, line => line.Contains("s3cret", StringComparison.Ordinal) || line.Contains("t0ken-value", StringComparison.Ordinal));

        // Wrong credentials are refused.
        var wrong = new NatsPubSub(new NatsPubSubOptions { Url = $"nats://wrong:wrong@127.0.0.1:{server.Port}" });
        await Assert.ThrowsAsync<NatsUnreachableException>(() => wrong.ConnectAsync()).Within(30);
        await wrong.DisposeAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1:4222")]
    [InlineData("http://127.0.0.1:4222")]
    [InlineData("nats://")]
    [InlineData("nats://127.0.0.1:4222/path")]
    [InlineData("nats://127.0.0.1:4222?x=1")]
    [InlineData("nats://127.0.0.1:4222,,nats://127.0.0.2:4222")]
    [InlineData("nats://a:secret@127.0.0.1:4222,nats://b:secret@127.0.0.2:4222")]
    public void Unusable_urls_are_refused_with_a_message_that_names_the_setting_and_hides_credentials(string url)
    {
        var failures = new NatsPubSubOptions { Url = url }.Validate();

        var failure = Assert.Single(failures);
        Assert.StartsWith("Nats:Url ", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", failure, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new NatsPubSub(new NatsPubSubOptions { Url = url }));
    }

    [Theory]
    [InlineData("nats://127.0.0.1:4222")]
    [InlineData("nats://nats.example.com")]
    [InlineData("tls://nats.example.com:4443")]
    [InlineData("nats://user:p%40ss@127.0.0.1:4222")]
    [InlineData("nats://10.0.0.1:4222, nats://10.0.0.2:4222")]
    [InlineData("nats://[::1]:4222")]
    public void Usable_urls_are_accepted(string url) => Assert.Empty(new NatsPubSubOptions { Url = url }.Validate());

    [Fact]
    public void Other_settings_are_checked_too()
    {
        var failures = new NatsPubSubOptions
        {
            Url = "nats://127.0.0.1:4222",
            Name = "two words",
            ConnectTimeout = TimeSpan.Zero,
            CommandTimeout = TimeSpan.FromHours(1),
            SubscriptionBufferCapacity = 1,
        }.Validate();

        Assert.Equal(4, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Nats:Name", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Nats:ConnectTimeout", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Nats:CommandTimeout", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Nats:SubscriptionBufferCapacity", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UseNats_connects_when_the_host_starts_and_disposes_the_connection_when_it_stops()
    {
        var server = await NatsServer.GetSharedAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddTanager().UseInMemory().UseNats(server.Url);
        NatsPubSub nats;
        using (var host = builder.Build())
        {
            nats = Assert.IsType<NatsPubSub>(host.Services.GetRequiredService<IPubSub>());
            Assert.Same(nats, host.Services.GetRequiredService<NatsPubSub>());
            Assert.False(nats.IsConnected);
            await host.StartAsync();
            Assert.True(nats.IsConnected);
            await host.StopAsync();
            await ((IAsyncDisposable)host).DisposeAsync();
        }
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await nats.PublishAsync(NewSubject(), EventHeader.NodeWord, Numbered(1)));
    }

    [Fact]
    public async Task A_host_whose_nats_server_is_unreachable_does_not_start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddTanager().UseInMemory().UseNats(o =>
        {
            o.Url = $"nats://127.0.0.1:{Ports.Free()}";
            o.ConnectTimeout = TimeSpan.FromSeconds(2);
        });
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<NatsUnreachableException>(() => host.StartAsync()).Within(30);
        Assert.StartsWith("Cannot connect to NATS at nats://127.0.0.1:", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_with_an_unusable_nats_url_does_not_start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddTanager().UseInMemory().UseNats("http://127.0.0.1:4222");
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync()).Within(30);
        Assert.Contains("Nats:Url must be a nats://host:port", exception.Message, StringComparison.Ordinal);
    }

    /// <summary>Every formatted log line, with its exception, from every category (NATS.Net's own included).</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _lines);

        public void Dispose()
        {
        }

        private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category} {logLevel} {formatter(state, exception)} {state} {exception}");
        }
    }
}
