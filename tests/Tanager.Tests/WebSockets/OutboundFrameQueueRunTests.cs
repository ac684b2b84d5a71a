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
    public void Any_mix_of_runs_frames_and_reads_comes_out_in_the_order_it_went_in()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var queue = new OutboundFrameQueue(OutboundFrameQueue.MaxByteLimit, OutboundFrameQueue.MaxFrameLimit, Encoder.Instance);
            var subjects = Enumerable.Range(0, 3).Select(_ => new Subject()).ToArray();
            var expected = new List<int>();
            var seen = new List<int>();
            var next = 0;
            for (var step = 0; step < 400; step++)
            {
                var roll = random.Next(100);
                if (roll < 55)
                {
                    // An event of a subject; now and then one this connection skips (another user's), which ends its run.
                    var outboundEvent = subjects[random.Next(subjects.Length)].Publish(next++);
                    if (random.Next(10) != 0)
                    {
                        Assert.Equal(OutboundEnqueueResult.Queued, queue.TryEnqueue(outboundEvent, outboundEvent.GetFrame(Encoder.Instance)));
                        expected.Add(Id(outboundEvent.GetFrame(Encoder.Instance)));
                    }
                }
                else if (roll < 70)
                {
                    Assert.Equal(OutboundEnqueueResult.Queued, queue.TryEnqueue(Frame(next)));
                    expected.Add(next++);
                }
                else
                {
                    Read(queue, seen, random.Next(1, 20));
                }
            }
            Read(queue, seen, int.MaxValue);
            Assert.Equal(expected, seen);
            Assert.Equal(0, queue.QueuedFrames);
            Assert.Equal(0, queue.QueuedBytes);
        }
    }

    [Fact]
    public void A_run_counts_each_event_against_the_limits()
    {
        var queue = new OutboundFrameQueue(byteLimit: 10_000, frameLimit: 3, Encoder.Instance);
        var subject = new Subject();
        for (var i = 0; i < 3; i++)
        {
            var outboundEvent = subject.Publish(i);
            Assert.Equal(OutboundEnqueueResult.Queued, queue.TryEnqueue(outboundEvent, outboundEvent.GetFrame(Encoder.Instance)));
        }
        var refused = subject.Publish(3);
        Assert.Equal(OutboundEnqueueResult.Full, queue.TryEnqueue(refused, refused.GetFrame(Encoder.Instance)));
        Assert.Equal(3, queue.QueuedFrames);
        Assert.Equal(3 * sizeof(int), queue.QueuedBytes);

        var seen = new List<int>();
        Read(queue, seen, int.MaxValue);
        Assert.Equal([0, 1, 2], seen);
        Assert.Equal(OutboundEnqueueResult.Completed, Complete(queue, subject.Publish(4)));
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
                    Assert.Equal(OutboundEnqueueResult.Queued, queue.TryEnqueue(outboundEvent, outboundEvent.GetFrame(Encoder.Instance)));
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
        Assert.Equal(0, listener.Kept[0].Index);

        // Events of other scopes are never placed.
        var user = Ulid.NewUlid();
        await fanOut.AddAsync(Subjects.User(user), listener);
        listener.Kept.Clear();
        fanOut.DeliverLocal(EventHeader.ForUser(GatewayEvents.UserUpdate, user), Frame(4));
        Assert.Null(Assert.Single(listener.Kept).Segment);
    }

    /// <summary>Apart from the test so that no stack slot of the test (all live to its end in a debug build) holds the segment.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<EventSegment> PublishTwoAndForget(FanOut fanOut, KeepingListener listener, Ulid workspace, Ulid channel)
    {
        fanOut.DeliverLocal(EventHeader.ForChannel(GatewayEvents.MessageCreate, workspace, channel, 1), Frame(1));
        fanOut.DeliverLocal(EventHeader.ForChannel(GatewayEvents.MessageCreate, workspace, channel, 2), Frame(2));
        Assert.Same(listener.Kept[0].Segment, listener.Kept[1].Segment);
        Assert.Equal([0, 1], listener.Kept.Select(e => e.Index));
        var segment = new WeakReference<EventSegment>(listener.Kept[0].Segment!);
        listener.Kept.Clear();
        return segment;
    }

    private static OutboundEnqueueResult Complete(OutboundFrameQueue queue, OutboundEvent outboundEvent)
    {
        queue.Complete(discardBacklog: false);
        return queue.TryEnqueue(outboundEvent, outboundEvent.GetFrame(Encoder.Instance));
    }

    private static void Read(OutboundFrameQueue queue, List<int> seen, int most)
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
    }

    private static byte[] Frame(int id)
    {
        var bytes = new byte[sizeof(int)];
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

        public OutboundEvent Publish(int id)
        {
            var outboundEvent = new OutboundEvent(EventHeader.ForChannel(GatewayEvents.MessageCreate, _workspace, _channel, ++_sequence), Frame(id));
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

        public void Deliver(OutboundEvent outboundEvent) => Kept.Add(outboundEvent);

        public void Attached(Lock gate)
        {
        }
    }
}
