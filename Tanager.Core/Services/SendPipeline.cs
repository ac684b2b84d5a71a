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
        var lane = _lanes[(int)((uint)draft.ChannelId.GetHashCode() % (uint)_lanes.Length)];
        var pending = new PendingSend(draft);
        // A full lane makes senders wait here: back-pressure instead of an unbounded queue.
        await lane.Queue.Writer.WriteAsync(pending, cancellationToken);
        return await pending.Completion.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync(Lane lane)
    {
        var reader = lane.Queue.Reader;
        var batch = new List<PendingSend>(_maxBatch);
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _maxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }
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
        // Not cancellable: once a batch is on its way to the store, it completes or fails as a whole.
        var stored = await _messages.AppendAsync([.. batch.Select(p => p.Draft)], CancellationToken.None);
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
            try
            {
                await _events.PublishAsync(EventHeader.ForChannel(GatewayEvents.MessageCreate, message.WorkspaceId, message.ChannelId, message.ChangeSequence), message.ToDto(), TanagerJsonContext.Default.MessageDto, CancellationToken.None);
            }
            catch (Exception exception)
            {
                // The message is durable; live subscribers that miss it catch up from the store.
                Log.AnnounceFailed(_logger, exception, message.ChannelId.ToString(), message.Sequence);
            }
            batch[i].Completion.TrySetResult(message);
        }
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

    private sealed class PendingSend(NewMessage draft)
    {
        public NewMessage Draft { get; } = draft;
        public TaskCompletionSource<Message> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
