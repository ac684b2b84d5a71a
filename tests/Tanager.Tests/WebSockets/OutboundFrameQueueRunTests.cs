using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using NUlid;
using Tanager.Protocol;
using Xunit;

namespace Tanager.Tests.WebSockets;

/// <summary>
/// The send queue's runs: consecutive events of one subject kept as one item. Whatever mix of runs, broken runs, plain
/// frames, limits and writer timing, the writer sees every frame once, in the order it was queued, and the counts match.
/// </summary>
public sealed class OutboundFrameQueueRunTests
{
    [Fact]
    public void Any_mix_of_runs_frames_and_reads_comes_out_in_the_order_it_went_in_with_every_byte_counted()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var queue = new OutboundFrameQueue(OutboundFrameQueue.MaxByteLimit, OutboundFrameQueue.MaxFrameLimit, Encoder.Instance);
            var subjects = Enumerable.Range(0, 3).Select(_ => new Subject()).ToArray();
            var expected = new List<int>();
            var seen = new List<int>();
            var queuedBytes = 0L;
            var next = 0;
            for (var step = 0; step < 400; step++)
            {
                var roll = random.Next(100);
                if (roll < 55)
                {
                    // An event of a subject; now and then one this connection skips (another user's), which ends its run.
                    var outboundEvent = subjects[random.Next(subjects.Length)].Publish(next++, random.Next(40));
                    if (random.Next(10) != 0)
                    {
                        Assert.Equal(OutboundEnqueueResult.Queued, queue.TryEnqueue(outboundEvent));
                        expected.Add(Id(outboundEvent.GetFrame(Encoder.Instance)));
                        queuedBytes += outboundEvent.GetFrame(Encoder.Instance).Length;
                    }
                }
                else if (roll < 70)
                {
                    var frame = Frame(next, random.Next(40));
                    Assert.Equal(OutboundEnqueueResult.Queued, queue.TryEnqueue(frame));
                    expected.Add(next++);
                    queuedBytes += frame.Length;
                }
                else
                {
                    queuedBytes -= Read(queue, seen, random.Next(1, 20));
                }
                Assert.Equal(queuedBytes, queue.QueuedBytes);
                Assert.Equal(expected.Count - seen.Count, queue.QueuedFrames);
            }
            Read(queue, seen, int.MaxValue);
            Assert.Equal(expected, seen);
            Assert.Equal(0, queue.QueuedFrames);
            Assert.Equal(0, queue.QueuedBytes);
        }
    }

    [Fact]
    public async Task A_run_ends_where_the_queue_is_completed_cleared_or_discarded()
    {
        // A final frame after an open run comes after the run.
        var queue = new OutboundFrameQueue(byteLimit: 10_000, frameLimit: 100, Encoder.Instance);
        var subject = new Subject();
        Enqueue(queue, subject, 0, 1, 2);
        Assert.True(queue.TryEnqueueFinal(Frame(3)));
        var seen = new List<int>();
        Read(queue, seen, int.MaxValue);
        Assert.Equal([0, 1, 2, 3], seen);
        Assert.False(await queue.WaitToReadAsync());

        // Clearing in the middle of a run the writer is reading releases the rest of it, the run and the ring.
        queue = new OutboundFrameQueue(byteLimit: 10_000, frameLimit: 100, Encoder.Instance);
        Enqueue(queue, subject, 10, 11, 12, 13, 14);
        queue.TryEnqueue(Frame(15));
        Enqueue(queue, subject, 16, 17);
        seen.Clear();
        Read(queue, seen, 2);
        Assert.Equal(6 * sizeof(int), queue.Clear());
        Assert.Equal(0, queue.QueuedBytes);
        Assert.Equal(0, queue.QueuedFrames);

        // A slow consumer's backlog, runs included, is discarded with every count released.
        queue = new OutboundFrameQueue(byteLimit: 10_000, frameLimit: 100, Encoder.Instance);
        Enqueue(queue, subject, 20, 21, 22, 23, 24, 25);
        queue.TryEnqueue(Frame(26));
        Enqueue(queue, subject, 27);
        Assert.True(queue.Complete(discardBacklog: true));
        Assert.True(queue.IsDiscarding);
        Assert.True(await queue.WaitToReadAsync());
        seen.Clear();
        Read(queue, seen, int.MaxValue);
        Assert.Equal([20, 21, 22, 23, 24, 25, 26, 27], seen);
        Assert.Equal(0, queue.QueuedBytes);
        Assert.False(await queue.WaitToReadAsync());
    }

    [Fact]
    public void A_run_counts_each_event_against_the_limits()
    {
        var queue = new OutboundFrameQueue(byteLimit: 10_000, frameLimit: 3, Encoder.Instance);
        var subject = new Subject();
        for (var i = 0; i < 3; i++)
        {
            var outboundEvent = subject.Publish(i);
            Assert.Equal(OutboundEnqueueResult.Queued, queue.TryEnqueue(outboundEvent));
        }
        var refused = subject.Publish(3);
        Assert.Equal(OutboundEnqueueResult.Full, queue.TryEnqueue(refused));
        Assert.Equal(3, queue.QueuedFrames);
        Assert.Equal(3 * sizeof(int), queue.QueuedBytes);

        var seen = new List<int>();
        Read(queue, seen, int.MaxValue);
        Assert.Equal([0, 1, 2], seen);
        Assert.Equal(OutboundEnqueueResult.Completed, Complete(queue, subject.Publish(4)));

        var bytes = new OutboundFrameQueue(byteLimit: (3 * sizeof(int)) + 14, frameLimit: 100, Encoder.Instance);
        Enqueue(bytes, subject, 5, 6, 7);
        var big = subject.Publish(8, padding: 11);
        Assert.Equal(OutboundEnqueueResult.Full, bytes.TryEnqueue(big));
        Assert.Equal(3 * sizeof(int), bytes.QueuedBytes);
        Assert.Equal(3 * sizeof(int), bytes.PeakQueuedBytes);
        Assert.Equal(OutboundEnqueueResult.Queued, bytes.TryEnqueue(subject.Publish(9, padding: 10)));
        Assert.Equal(bytes.QueuedBytes, bytes.PeakQueuedBytes);
        Assert.Throws<InvalidOperationException>(() => new OutboundFrameQueue(100, 10).TryEnqueue(subject.Publish(10)));
    }

    private static void Enqueue(OutboundFrameQueue queue, Subject subject, params int[] ids)
    {
        foreach (var id in ids)
        {
            Assert.Equal(OutboundEnqueueResult.Queued, queue.TryEnqueue(subject.Publish(id)));
        }
    }

    [Fact]
    public async Task Subjects_publishing_on_their_own_threads_beside_plain_frames_lose_reorder_and_duplicate_nothing()
    {
        const int Producers = 4;
        const int PerProducer = 20_000;
        var queue = new OutboundFrameQueue(OutboundFrameQueue.MaxByteLimit, OutboundFrameQueue.MaxFrameLimit, Encoder.Instance);
        var last = Enumerable.Repeat(-1, Producers).ToArray();
        var counts = new int[Producers];
        var writer = Task.Run(async () =>
        {
            var total = 0;
            while (total < Producers * PerProducer && await queue.WaitToReadAsync())
            {
                var batch = 0;
                var bytes = 0L;
                while (queue.TryDequeue(out var frame))
                {
                    var id = Id(frame);
                    var (producer, index) = (id / PerProducer, id % PerProducer);
                    Assert.Equal(last[producer] + 1, index);
                    last[producer] = index;
                    counts[producer]++;
                    batch++;
                    bytes += frame.Length;
                }
                queue.Release(bytes, batch);
                total += batch;
            }
        });
        // Producers 0 and 1 are subjects (each on its own thread, as the fan-out runs a subject under its lock); 2 and 3 send frames.
        await Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(() =>
        {
            var subject = new Subject();
            for (var i = 0; i < PerProducer; i++)
            {
                var id = (p * PerProducer) + i;
                if (p < 2)
                {
                    var outboundEvent = subject.Publish(id);
                    Assert.Equal(OutboundEnqueueResult.Queued, queue.TryEnqueue(outboundEvent));
                }
                else
                {
                    Assert.Equal(OutboundEnqueueResult.Queued, queue.TryEnqueue(Frame(id)));
                }
            }
        })));
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(counts, count => Assert.Equal(PerProducer, count));
        Assert.Equal(0, queue.QueuedFrames);
    }

    [Fact]
    public async Task The_fan_out_places_channel_events_in_segments_that_only_queued_runs_keep_alive()
    {
        var fanOut = new FanOut(new InProcessPubSub());
        var listener = new KeepingListener();
        var (workspace, channel) = (Ulid.NewUlid(), Ulid.NewUlid());
        await fanOut.AddAsync(Subjects.Channel(workspace, channel), listener);

        // Consecutive events of the channel share a segment, in order, while something holds it. Then nothing holds it
        // any more: a quiet channel keeps nothing, and its next event starts a new segment.
        var segment = PublishTwoAndForget(fanOut, listener, workspace, channel);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(segment.TryGetTarget(out _));
        fanOut.DeliverLocal(EventHeader.ForChannel(GatewayEvents.MessageCreate, workspace, channel, 3), Frame(3));
        Assert.NotNull(listener.Placed[0].Segment);
        Assert.Equal(0, listener.Placed[0].Index);

        // Events of other scopes are never placed.
        var user = Ulid.NewUlid();
        await fanOut.AddAsync(Subjects.User(user), listener);
        listener.Placed.Clear();
        fanOut.DeliverLocal(EventHeader.ForUser(GatewayEvents.UserUpdate, user), Frame(4));
        Assert.Null(Assert.Single(listener.Placed).Segment);
    }

    /// <summary>Apart from the test so that no stack slot of the test (all live to its end in a debug build) holds the segment.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<EventSegment> PublishTwoAndForget(FanOut fanOut, KeepingListener listener, Ulid workspace, Ulid channel)
    {
        fanOut.DeliverLocal(EventHeader.ForChannel(GatewayEvents.MessageCreate, workspace, channel, 1), Frame(1));
        fanOut.DeliverLocal(EventHeader.ForChannel(GatewayEvents.MessageCreate, workspace, channel, 2), Frame(2));
        Assert.Same(listener.Placed[0].Segment, listener.Placed[1].Segment);
        Assert.Equal([0, 1], listener.Placed.Select(p => p.Index));
        // Once delivered, the event no longer refers to its segment: keeping an event does not keep the others.
        Assert.All(listener.Kept, e => Assert.Null(e.Segment));
        var segment = new WeakReference<EventSegment>(listener.Placed[0].Segment!);
        listener.Placed.Clear();
        return segment;
    }

    private static OutboundEnqueueResult Complete(OutboundFrameQueue queue, OutboundEvent outboundEvent)
    {
        queue.Complete(discardBacklog: false);
        return queue.TryEnqueue(outboundEvent);
    }

    /// <summary>Takes at most <paramref name="most"/> frames as the writer does; returns the bytes released.</summary>
    private static long Read(OutboundFrameQueue queue, List<int> seen, int most)
    {
        var frames = 0;
        var bytes = 0L;
        while (frames < most && queue.TryDequeue(out var frame))
        {
            seen.Add(Id(frame));
            frames++;
            bytes += frame.Length;
        }
        queue.Release(bytes, frames);
        return bytes;
    }

    private static byte[] Frame(int id, int padding = 0)
    {
        var bytes = new byte[sizeof(int) + padding];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, id);
        return bytes;
    }

    private static int Id(ReadOnlyMemory<byte> frame) => BinaryPrimitives.ReadInt32LittleEndian(frame.Span);

    /// <summary>A channel's events placed the way the fan-out places them (see <c>FanOut.Entry.NextSegment</c>).</summary>
    private sealed class Subject
    {
        private readonly Ulid _workspace = Ulid.NewUlid();
        private readonly Ulid _channel = Ulid.NewUlid();
        private EventSegment? _segment;
        private long _sequence;

        public OutboundEvent Publish(int id, int padding = 0)
        {
            var outboundEvent = new OutboundEvent(EventHeader.ForChannel(GatewayEvents.MessageCreate, _workspace, _channel, ++_sequence), Frame(id, padding));
            if (_segment is null || _segment.Count == EventSegment.Length)
            {
                _segment = new EventSegment();
            }
            outboundEvent.PlaceIn(_segment, _segment.Count);
            return outboundEvent;
        }
    }

    /// <summary>Frames by copying the payload: a frame is a new array, as a real encoder's is.</summary>
    private sealed class Encoder : IFrameEncoder
    {
        public static readonly Encoder Instance = new();

        public ReadOnlyMemory<byte> Encode(ReadOnlyMemory<byte> payload) => payload.ToArray();
    }

    private sealed class KeepingListener : ISubjectListener
    {
        public List<OutboundEvent> Kept { get; } = [];

        /// <summary>Where each event was placed, as seen while it was delivered.</summary>
        public List<(EventSegment? Segment, int Index)> Placed { get; } = [];

        public void Deliver(OutboundEvent outboundEvent)
        {
            Kept.Add(outboundEvent);
            Placed.Add((outboundEvent.Segment, outboundEvent.Index));
        }

        public void Attached(Lock gate)
        {
        }
    }
}
