using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Tanager.Tests.Gateway;

/// <summary>
/// <see cref="ChannelOrder{T}"/> against a model of one channel: changes are committed one after another; any of them
/// may arrive live at any time, more than once, out of order or never; the store can be read at any time; gap timers fire
/// whenever. Whatever the interleaving, the client gets each change sequence exactly once, in order, and — once something
/// says a change may be missing (a later event, a timeout, a catch-up) — everything up to the channel's head.
/// </summary>
public sealed class ChannelOrderProperties
{
    private enum Step
    {
        Commit,
        LiveAny,
        LiveNewest,
        FireGapTimer,
        CompleteFetch,
        CatchUp,
        Start,
    }

    private static Gen<(Step Step, int Arg)[]> Steps() =>
        Gen.Zip(Gen.Elements(Enum.GetValues<Step>()), Gen.Choose(0, 1000)).ArrayOf();

    /// <summary>What the client knows, how many changes it has not seen, the hold limit, and the steps.</summary>
    private static Gen<(int Known, int Unseen, int HoldLimit, (Step Step, int Arg)[] Steps)> Resumes() =>
        from known in Gen.Choose(0, 5)
        from unseen in Gen.Choose(0, 5)
        from holdLimit in Gen.Choose(1, 4)
        from steps in Steps()
        select (known, unseen, holdLimit, steps);

    [Property(MaxTest = 1000)]
    public Property A_resuming_client_gets_every_change_after_its_position_exactly_once_in_order() =>
        Prop.ForAll(Resumes().ToArbitrary(), testCase =>
        {
            var (known, unseen, holdLimit, steps) = testCase;
            var model = new Model(head: known + unseen, holdLimit);
            model.Run(steps, startAt: known);
            Assert.Equal(Consecutive(known + 1, model.Head), model.Sent);
        });

    [Property(MaxTest = 1000)]
    public Property A_channel_joined_mid_connection_starts_at_its_first_event_and_then_misses_nothing() =>
        Prop.ForAll(Resumes().ToArbitrary(), testCase =>
        {
            var (committed, _, holdLimit, steps) = testCase;
            var model = new Model(head: committed, holdLimit);
            model.Run(steps, startAt: -1);
            if (model.Sent.Count > 0)
            {
                Assert.Equal(Consecutive(model.Sent[0], model.Head), model.Sent);
            }
            else
            {
                Assert.False(model.OfferedAfterStart, "A live event arrived after the start, yet nothing was sent.");
            }
        });

    [Fact]
    public void An_event_that_overtook_a_missing_one_waits_and_the_gap_is_read_from_the_store()
    {
        var model = new Model(head: 3, holdLimit: 10);
        model.Run([(Step.Start, 0), (Step.LiveAny, 2)], startAt: 0, drain: false);
        Assert.Empty(model.Sent);
        model.Run([(Step.FireGapTimer, 0)], startAt: 0, drain: false);
        Assert.Single(model.Fetches);
        model.Run([(Step.CompleteFetch, 0)], startAt: 0, drain: false);
        Assert.Equal([1L, 2, 3], model.Sent);
    }

    private static List<long> Consecutive(long from, long to) => [.. from > to ? [] : Enumerable.Range(0, (int)(to - from + 1)).Select(i => from + i)];

    private sealed class Model(long head, int holdLimit) : IChannelOrderSink<long>
    {
        private ChannelOrder<long> _order = new(holdLimit);
        private readonly long _readyHead = head;
        private int _timers;
        private bool _started;

        public long Head { get; private set; } = head;
        public List<long> Sent { get; } = [];
        public Queue<long> Fetches { get; } = new();
        public bool OfferedAfterStart { get; private set; }

        public void Run(IEnumerable<(Step Step, int Arg)> steps, long startAt, bool drain = true)
        {
            foreach (var (step, arg) in steps)
            {
                Do(step, arg, startAt);
            }
            if (!drain)
            {
                return;
            }
            Do(Step.Start, 0, startAt);
            // Whatever is still missing, something eventually says so: a catch-up, then every fetch and timer runs out.
            _order.RequestFetch(this);
            for (var i = 0; i < 1000 && (Fetches.Count > 0 || _timers > 0); i++)
            {
                Do(Fetches.Count > 0 ? Step.CompleteFetch : Step.FireGapTimer, 0, startAt);
            }
            Assert.True(Fetches.Count == 0 && _timers == 0, "Fetches or timers never settled.");
        }

        private void Do(Step step, int arg, long startAt)
        {
            switch (step)
            {
                case Step.Commit:
                    Head++;
                    break;
                case Step.LiveAny when Head > 0:
                    Offer(1 + (arg % Head));
                    break;
                case Step.LiveNewest when Head > 0:
                    Offer(Head);
                    break;
                case Step.FireGapTimer when _timers > 0:
                    _timers--;
                    _order.GapTimedOut(this);
                    break;
                case Step.CompleteFetch when Fetches.Count > 0:
                    var since = Fetches.Dequeue();
                    for (var sequence = since + 1; sequence <= Head; sequence++)
                    {
                        _order.Replay(sequence, sequence, this);
                    }
                    _order.FetchCompleted(Head, this);
                    break;
                case Step.CatchUp:
                    _order.RequestFetch(this);
                    break;
                case Step.Start when !_started:
                    _started = true;
                    // READY reported the head when the stream subscribed; a resuming client may be behind it.
                    _order.Start(startAt, behind: startAt >= 0 && startAt < _readyHead, this);
                    break;
            }
        }

        private void Offer(long sequence)
        {
            OfferedAfterStart |= _started;
            _order.Offer(sequence, sequence, this);
        }

        public void Send(long item, long sequence)
        {
            Assert.Equal(sequence, item);
            Sent.Add(sequence);
        }

        public void StartFetch(long since)
        {
            Assert.Empty(Fetches);
            Fetches.Enqueue(since);
        }

        public void StartGapTimer() => _timers++;
    }
}
