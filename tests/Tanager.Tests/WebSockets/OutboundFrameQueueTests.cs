using Xunit;

namespace Tanager.Tests.WebSockets;

/// <summary>The transports' shared send queue: limits, the writer's wakeup, completion and <see cref="OutboundFrameQueue.WaitForRoomAsync"/>.</summary>
public sealed class OutboundFrameQueueTests
{
    private static readonly ReadOnlyMemory<byte> Frame = new byte[100];

    [Fact]
    public void Refuses_a_frame_past_either_limit_and_keeps_its_counts()
    {
        var bytes = new OutboundFrameQueue(byteLimit: 250, frameLimit: 10);
        Assert.Equal(OutboundEnqueueResult.Queued, bytes.TryEnqueue(Frame));
        Assert.Equal(OutboundEnqueueResult.Queued, bytes.TryEnqueue(Frame));
        Assert.Equal(OutboundEnqueueResult.Full, bytes.TryEnqueue(Frame));
        Assert.Equal(200, bytes.QueuedBytes);
        Assert.Equal(2, bytes.QueuedFrames);
        Assert.Equal(200, bytes.PeakQueuedBytes);

        var frames = new OutboundFrameQueue(byteLimit: 10_000, frameLimit: 2);
        frames.TryEnqueue(Frame);
        frames.TryEnqueue(Frame);
        Assert.Equal(OutboundEnqueueResult.Full, frames.TryEnqueue(Frame));
        Assert.Equal(2, frames.QueuedFrames);
    }

    [Fact]
    public async Task A_parked_writer_wakes_once_for_a_batch_and_sees_every_frame_in_order()
    {
        var queue = new OutboundFrameQueue(10_000, 100);
        var wait = queue.WaitToReadAsync();
        Assert.False(wait.IsCompleted);
        for (var i = 0; i < 5; i++)
        {
            queue.TryEnqueue(new[] { (byte)i });
        }
        Assert.True(await wait);
        var seen = new List<byte>();
        while (queue.TryDequeue(out var frame))
        {
            seen.Add(frame.Span[0]);
        }
        queue.Release(5, 5);
        Assert.Equal([0, 1, 2, 3, 4], seen);
        Assert.Equal(0, queue.QueuedBytes);
        Assert.Equal(0, queue.QueuedFrames);
    }

    [Fact]
    public async Task Completion_lets_the_writer_drain_then_stop_and_a_final_frame_goes_past_the_limits()
    {
        var queue = new OutboundFrameQueue(150, 100);
        queue.TryEnqueue(Frame);
        Assert.True(queue.TryEnqueueFinal(Frame));
        Assert.Equal(OutboundEnqueueResult.Completed, queue.TryEnqueue(Frame));
        Assert.False(queue.TryEnqueueFinal(Frame));
        Assert.True(await queue.WaitToReadAsync());
        Assert.Equal(200, queue.Clear());
        Assert.False(await queue.WaitToReadAsync());
        Assert.False(queue.IsDiscarding);
    }

    [Fact]
    public async Task Completing_with_discard_wakes_a_parked_writer_and_says_so()
    {
        var queue = new OutboundFrameQueue(10_000, 100);
        var wait = queue.WaitToReadAsync();
        Assert.True(queue.Complete(discardBacklog: true));
        // Woken (the result may say "look again"); looking again says the queue is done.
        await wait.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(await queue.WaitToReadAsync());
        Assert.True(queue.IsDiscarding);
        Assert.False(queue.Complete(discardBacklog: false));
    }

    [Fact]
    public async Task WaitForRoom_completes_once_half_of_both_limits_are_free_or_the_queue_completes()
    {
        var queue = new OutboundFrameQueue(byteLimit: 1000, frameLimit: 100);
        Assert.True(queue.WaitForRoomAsync(CancellationToken.None).IsCompletedSuccessfully);
        for (var i = 0; i < 8; i++)
        {
            queue.TryEnqueue(Frame);
        }
        var wait = queue.WaitForRoomAsync(CancellationToken.None).AsTask();
        Assert.False(wait.IsCompleted);
        // 700 bytes queued: still above half the byte limit.
        queue.TryDequeue(out _);
        queue.Release(100, 1);
        await Task.Delay(50);
        Assert.False(wait.IsCompleted);
        // 500 bytes: exactly half, which is room.
        queue.TryDequeue(out _);
        queue.TryDequeue(out _);
        queue.Release(200, 2);
        await wait.WaitAsync(TimeSpan.FromSeconds(5));

        var closing = queue.WaitForRoomAsync(CancellationToken.None);
        Assert.True(closing.IsCompletedSuccessfully);
        for (var i = 0; i < 3; i++)
        {
            queue.TryEnqueue(Frame);
        }
        var blocked = queue.WaitForRoomAsync(CancellationToken.None).AsTask();
        Assert.False(blocked.IsCompleted);
        queue.Complete(discardBacklog: true);
        await blocked.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task WaitForRoom_honours_its_cancellation_token()
    {
        var queue = new OutboundFrameQueue(byteLimit: 1000, frameLimit: 100);
        for (var i = 0; i < 8; i++)
        {
            queue.TryEnqueue(Frame);
        }
        using var cancel = new CancellationTokenSource();
        var wait = queue.WaitForRoomAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }

    [Fact]
    public async Task Many_producers_and_one_writer_lose_and_duplicate_nothing()
    {
        const int Producers = 4;
        const int PerProducer = 20_000;
        var queue = new OutboundFrameQueue(OutboundFrameQueue.MaxByteLimit, OutboundFrameQueue.MaxFrameLimit);
        var frames = Enumerable.Range(0, Producers).Select(p => (ReadOnlyMemory<byte>)new[] { (byte)p }).ToArray();
        var counts = new int[Producers];
        var writer = Task.Run(async () =>
        {
            var total = 0;
            while (total < Producers * PerProducer && await queue.WaitToReadAsync())
            {
                var batch = 0;
                while (queue.TryDequeue(out var frame))
                {
                    counts[frame.Span[0]]++;
                    batch++;
                }
                queue.Release(batch, batch);
                total += batch;
            }
        });
        await Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < PerProducer; i++)
            {
                Assert.Equal(OutboundEnqueueResult.Queued, queue.TryEnqueue(frames[p]));
            }
        })));
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(counts, count => Assert.Equal(PerProducer, count));
        Assert.Equal(0, queue.QueuedFrames);
    }

    [Fact]
    public void Bytes_and_frames_are_counted_apart_and_limits_past_them_are_refused()
    {
        var queue = new OutboundFrameQueue(OutboundFrameQueue.MaxByteLimit, 3);
        var big = new ReadOnlyMemory<byte>(new byte[1 << 20]);
        Assert.Equal(OutboundEnqueueResult.Queued, queue.TryEnqueue(big));
        Assert.Equal(OutboundEnqueueResult.Queued, queue.TryEnqueue(big));
        Assert.Equal(OutboundEnqueueResult.Queued, queue.TryEnqueue(new byte[7]));
        Assert.Equal((2L << 20) + 7, queue.QueuedBytes);
        Assert.Equal(3, queue.QueuedFrames);
        Assert.Equal(OutboundEnqueueResult.Full, queue.TryEnqueue(new byte[1]));
        Assert.Equal((2L << 20) + 7, queue.QueuedBytes);
        Assert.Equal(3, queue.QueuedFrames);
        queue.Release((1L << 20) + 7, 2);
        Assert.Equal(1L << 20, queue.QueuedBytes);
        Assert.Equal(1, queue.QueuedFrames);

        Assert.Throws<ArgumentOutOfRangeException>(() => new OutboundFrameQueue(OutboundFrameQueue.MaxByteLimit + 1, 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OutboundFrameQueue(1024, OutboundFrameQueue.MaxFrameLimit + 1));
    }
}
