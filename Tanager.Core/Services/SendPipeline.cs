using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// Group commit for sends. Each channel belongs to one of a few lanes; a lane takes everything waiting for it, writes it
/// in one atomic store call (one round trip, one fsync), announces the stored messages in sequence order, and only
/// then acknowledges each sender. Lanes run in parallel, so unrelated channels do not wait on each other, while one
/// channel's events always leave this node in sequence order.
/// </summary>
public sealed class SendPipeline : IAsyncDisposable
{
    private readonly IMessageStore _messages;
    private readonly EventDispatcher _events;
    private readonly ILogger<SendPipeline> _logger;
    private readonly Lane[] _lanes;
    private readonly int _maxBatch;

    public SendPipeline(IMessageStore messages, EventDispatcher events, IOptions<TanagerOptions> options, ILogger<SendPipeline> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _messages = messages;
        _events = events;
        _logger = logger;
        var settings = options.Value;
        _maxBatch = settings.SendBatchSize;
        _lanes = [.. Enumerable.Range(0, settings.SendLanes).Select(_ => new Lane(settings.SendQueueCapacity))];
        foreach (var lane in _lanes)
        {
            lane.Loop = RunAsync(lane);
        }
    }

    /// <summary>Stores <paramref name="draft"/>, announces it, and returns it with its sequence number.</summary>
    public async Task<Message> SendAsync(NewMessage draft, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var started = Stopwatch.GetTimestamp();
        using var activity = TanagerMetrics.Activities.StartActivity("tanager.send");
        activity?.SetTag("tanager.channel.id", draft.ChannelId.ToString());
        var lane = _lanes[(int)((uint)draft.ChannelId.GetHashCode() % (uint)_lanes.Length)];
        var pending = new PendingSend(draft, activity?.Context ?? default);
        TanagerMetrics.SendQueue.Add(1);
        try
        {
            // A full lane makes senders wait here: back-pressure instead of an unbounded queue.
            await lane.Queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch
        {
            TanagerMetrics.SendQueue.Add(-1);
            throw;
        }
        try
        {
            var message = await pending.Completion.Task.WaitAsync(cancellationToken);
            TanagerMetrics.SendDuration.Record(TanagerMetrics.Seconds(started));
            return message;
        }
        catch (Exception exception) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            throw;
        }
    }

    private async Task RunAsync(Lane lane)
    {
        // The pipeline starts inside whichever request first needed it; its lanes serve every later send, not that one.
        Activity.Current = null;
        var reader = lane.Queue.Reader;
        var batch = new List<PendingSend>(_maxBatch);
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _maxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }
            TanagerMetrics.SendQueue.Add(-batch.Count);
            try
            {
                await CommitAsync(batch);
            }
            catch (Exception exception) when (batch.Count > 1)
            {
                // One bad message must not fail its neighbours: retry each alone so only the culprit fails.
                Log.BatchFailed(_logger, exception, batch.Count);
                foreach (var pending in batch)
                {
                    await CommitOrFailAsync(pending);
                }
            }
            catch (Exception exception)
            {
                batch[0].Completion.TrySetException(exception);
            }
        }
    }

    private async Task CommitOrFailAsync(PendingSend pending)
    {
        try
        {
            await CommitAsync([pending]);
        }
        catch (Exception exception)
        {
            pending.Completion.TrySetException(exception);
        }
    }

    private async Task CommitAsync(List<PendingSend> batch)
    {
        using var commit = StartCommitActivity(batch);
        var started = Stopwatch.GetTimestamp();
        // Not cancellable: once a batch is on its way to the store, it completes or fails as a whole.
        var stored = await _messages.AppendAsync([.. batch.Select(p => p.Draft)], CancellationToken.None);
        TanagerMetrics.StoreAppendDuration.Record(TanagerMetrics.Seconds(started));
        TanagerMetrics.CommitBatchSize.Record(batch.Count);
        for (var i = 0; i < stored.Count; i++)
        {
            var message = stored[i];
            if (message.Id != batch[i].Draft.Id)
            {
                // A retried send: the store returned the message the first attempt created, which was announced then.
                batch[i].Completion.TrySetResult(message);
                continue;
            }
            if (batch[i].Draft.Attachments.Count > 0)
            {
                message = message with { Attachments = batch[i].Draft.Attachments };
            }
            using var publish = batch[i].Trace == default ? null : TanagerMetrics.Activities.StartActivity("tanager.send.publish", ActivityKind.Producer, batch[i].Trace);
            var publishing = Stopwatch.GetTimestamp();
            try
            {
                await _events.PublishAsync(EventHeader.ForChannel(GatewayEvents.MessageCreate, message.WorkspaceId, message.ChannelId, message.ChangeSequence), message.ToDto(), TanagerJsonContext.Default.MessageDto, CancellationToken.None);
                TanagerMetrics.PublishDuration.Record(TanagerMetrics.Seconds(publishing));
            }
            catch (Exception exception)
            {
                // The message is durable; live subscribers that miss it catch up from the store.
                Log.AnnounceFailed(_logger, exception, message.ChannelId.ToString(), message.Sequence);
            }
            batch[i].Completion.TrySetResult(message);
        }
    }

    /// <summary>
    /// The group commit's span, linked to the span of every send it carries (a commit serves many senders, so it is the
    /// child of none). Nothing is allocated unless a tracer listens.
    /// </summary>
    private static Activity? StartCommitActivity(List<PendingSend> batch)
    {
        if (!TanagerMetrics.Activities.HasListeners())
        {
            return null;
        }
        var links = new List<ActivityLink>(batch.Count);
        foreach (var pending in batch)
        {
            if (pending.Trace != default)
            {
                links.Add(new ActivityLink(pending.Trace));
            }
        }
        var activity = TanagerMetrics.Activities.StartActivity("tanager.send.commit", ActivityKind.Internal, parentContext: default, links: links);
        activity?.SetTag("tanager.batch.size", batch.Count);
        return activity;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lane in _lanes)
        {
            lane.Queue.Writer.TryComplete();
        }
        await Task.WhenAll(_lanes.Select(l => l.Loop!));
    }

    private sealed class Lane(int capacity)
    {
        public Channel<PendingSend> Queue { get; } = System.Threading.Channels.Channel.CreateBounded<PendingSend>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        public Task? Loop { get; set; }
    }

    private sealed class PendingSend(NewMessage draft, ActivityContext trace)
    {
        public NewMessage Draft { get; } = draft;
        /// <summary>The sender's span, when traced: the commit links to it and the publish is its child.</summary>
        public ActivityContext Trace { get; } = trace;
        public TaskCompletionSource<Message> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
