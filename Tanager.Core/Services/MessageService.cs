using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>Posting and reading messages.</summary>
public sealed class MessageService(IWorkspaceStore workspaces, IChannelStore channels, IMessageStore messages, EventDispatcher events, TimeProvider time)
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 50;

    /// <summary>
    /// Append and publish happen under a per-channel stripe so that live events leave this node in sequence order.
    /// 256 stripes keep unrelated channels from waiting on each other at any realistic concurrency while bounding memory.
    /// </summary>
    private static readonly SemaphoreSlim[] Stripes = [.. Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task<Message> PostAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, string? content, CancellationToken cancellationToken = default)
    {
        var validContent = Validate.MessageContent(content);
        var visible = await Access.VisibleChannelAsync(workspaces, channels, workspaceId, channelId, callerId, cancellationToken);
        if (!Permissions.CanPost(visible.IsMember))
        {
            throw TanagerException.Forbidden("Join the channel to post in it.");
        }
        var now = time.GetUtcNow();
        var draft = new NewMessage(workspaceId, channelId, Ulid.NewUlid(now), callerId, validContent, ThreadId: null, now);
        var stripe = Stripes[(int)((uint)channelId.GetHashCode() % (uint)Stripes.Length)];
        await stripe.WaitAsync(cancellationToken);
        try
        {
            var stored = await messages.AppendAsync(draft, cancellationToken);
            // The message is durable from here: a cancelled request must not keep it from being announced.
            await events.DispatchAsync(Subjects.Channel(workspaceId, channelId), GatewayEvents.MessageCreate, stored.ToDto(), TanagerJsonContext.Default.MessageDto, CancellationToken.None);
            return stored;
        }
        finally
        {
            stripe.Release();
        }
    }

    public async Task<MessageSlice> ListAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, long? before, long? after, int? limit, CancellationToken cancellationToken = default)
    {
        var query = new HistoryQuery(
            before is null ? null : Validate.Sequence(before, "before"),
            after is null ? null : Validate.Sequence(after, "after"),
            Validate.Limit(limit, DefaultPageSize, MaxPageSize));
        if (query.Before is not null && query.After is not null)
        {
            throw TanagerException.Invalid("Give before or after, not both.");
        }
        await Access.VisibleChannelAsync(workspaces, channels, workspaceId, channelId, callerId, cancellationToken);
        return await messages.ListAsync(workspaceId, channelId, query, cancellationToken);
    }

    /// <summary>The current state of every message changed after sequence <paramref name="since"/>, in change order.</summary>
    public async Task<MessageSlice> ListChangesAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, long? since, int? limit, CancellationToken cancellationToken = default)
    {
        var validSince = Validate.Sequence(since, "since");
        var validLimit = Validate.Limit(limit, MaxPageSize, MaxPageSize);
        await Access.VisibleChannelAsync(workspaces, channels, workspaceId, channelId, callerId, cancellationToken);
        return await messages.ListChangesAsync(workspaceId, channelId, validSince, validLimit, cancellationToken);
    }
}
