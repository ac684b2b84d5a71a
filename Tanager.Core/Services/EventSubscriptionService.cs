using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUlid;
using NUlid.Rng;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// Outgoing webhooks: a workspace's events POSTed, signed, to a URL. A bot subscribes for itself (subscriptions:write);
/// a workspace owner or admin subscribes for themself. What a subscription receives is what its owner may see: channel
/// events of the channels it names, or of every channel the owner can see when it names none. Events are queued in the
/// store when they are published (<see cref="EventDispatcher"/>, after the change is committed), one delivery per
/// subscription, and sent by <see cref="OutgoingWebhookSender"/>. The secret is returned once, at creation.
/// </summary>
public sealed class EventSubscriptionService(
    IEventSubscriptionStore store, IWorkspaceStore workspaces, IChannelStore channels, IMessageStore messages, AuditLog audit, IOptions<TanagerOptions> options,
    TimeProvider time, ILogger<EventSubscriptionService> logger)
{
    /// <summary>A message that mentions the subscription's owner: the only event name that is not a gateway event's.</summary>
    public const string MessageMention = "MESSAGE_MENTION";
    public const int MaxChannels = 100;
    public const int DefaultDeadLetterPage = 50;
    public const int MaxDeadLetterPage = 200;
    /// <summary>Prefix of a subscription's secret, so that a leaked one is recognisable (as GitHub's secret scanning does).</summary>
    public const string SecretPrefix = "tgh_";

    /// <summary>The events a subscription may name, in the order documented.</summary>
    public static IReadOnlyList<string> Events { get; } =
    [
        GatewayEvents.MessageCreate, MessageMention, GatewayEvents.ReactionAdd, GatewayEvents.ReactionRemove,
        GatewayEvents.ChannelMemberAdd, GatewayEvents.ChannelMemberRemove, GatewayEvents.WorkspaceMemberAdd, GatewayEvents.WorkspaceMemberRemove,
    ];

    /// <summary>Messages one read of a channel looks at when queueing the ones a subscription missed.</summary>
    private const int FillPage = 200;
    /// <summary>Reads of a contended cursor before giving up (logged; the next message in the channel queues what is left).</summary>
    private const int MaxCursorRounds = 32;
    private const int MaxCachedWorkspaces = 10_000;

    private readonly OutgoingWebhookOptions _options = options.Value.OutgoingWebhooks;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Ulid, (IReadOnlyList<EventSubscription> Subscriptions, long Until)> _cache = new();
    // Ids of one node's deliveries ascend in the order they were queued, even within a millisecond.
    private readonly MonotonicUlidRng _ids = new();
    private readonly Lock _idLock = new();
    private readonly Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Completes when this node queued deliveries since the last read: the sender's cue to look at once.</summary>
    internal ChannelReader<bool> Wakeups => _wake.Reader;

    /// <summary>Creates a subscription; the secret in the result exists nowhere else in any response.</summary>
    public async Task<(EventSubscription Subscription, string Secret)> CreateAsync(Caller caller, Ulid workspaceId, string? url, IReadOnlyList<string>? events,
        IReadOnlyList<string>? channelIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await ManagerAsync(caller, workspaceId, cancellationToken);
        var validUrl = WebhookAddress.Validate(url, _options.AllowPrivateAddresses);
        var validEvents = ValidEvents(events);
        var validChannels = await ValidChannelsAsync(caller, workspaceId, channelIds, cancellationToken);
        if ((await store.ListEventSubscriptionsAsync(workspaceId, cancellationToken)).Count >= _options.MaxPerWorkspace)
        {
            throw TanagerException.Conflict(ErrorCodes.Conflict, $"A workspace has at most {_options.MaxPerWorkspace} event subscriptions: delete one first.");
        }
        var secret = SecretPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var now = time.UtcNow();
        var subscription = new EventSubscription(Ulid.NewUlid(now), workspaceId, caller.UserId, validUrl, validEvents, validChannels, Encoding.UTF8.GetBytes(secret), caller.UserId, now);
        await store.CreateEventSubscriptionAsync(subscription, cancellationToken);
        _cache.TryRemove(workspaceId, out _);
        // The URL is recorded (who sends the workspace's events where); the secret never is.
        await audit.RecordAsync(AuditEventKinds.SubscriptionCreated, caller, caller.UserId, $"event subscription {subscription.Id} in workspace {workspaceId} to {validUrl}", cancellationToken);
        return (subscription, secret);
    }

    /// <summary>The subscriptions the caller manages: all of the workspace's for an owner or admin, a bot's own for a bot.</summary>
    public async Task<IReadOnlyList<EventSubscription>> ListAsync(Caller caller, Ulid workspaceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var admin = await ManagerAsync(caller, workspaceId, cancellationToken);
        var all = await store.ListEventSubscriptionsAsync(workspaceId, cancellationToken);
        return admin ? all : [.. all.Where(s => s.OwnerId == caller.UserId)];
    }

    public async Task DeleteAsync(Caller caller, Ulid workspaceId, Ulid subscriptionId, CancellationToken cancellationToken = default)
    {
        var subscription = await ManagedAsync(caller, workspaceId, subscriptionId, cancellationToken);
        if (!await store.DeleteEventSubscriptionAsync(workspaceId, subscription.Id, cancellationToken))
        {
            throw TanagerException.NotFound("Subscription");
        }
        _cache.TryRemove(workspaceId, out _);
        await audit.RecordAsync(AuditEventKinds.SubscriptionDeleted, caller, subscription.OwnerId, $"event subscription {subscription.Id} in workspace {workspaceId} to {subscription.Url}", cancellationToken);
    }

    /// <summary>A subscription's dead letters: deliveries whose every attempt failed, oldest first.</summary>
    public async Task<IReadOnlyList<EventDelivery>> ListDeadLettersAsync(Caller caller, Ulid workspaceId, Ulid subscriptionId, string? after, int? limit, CancellationToken cancellationToken = default)
    {
        var subscription = await ManagedAsync(caller, workspaceId, subscriptionId, cancellationToken);
        Ulid? afterId = after is null ? null : Ids.Parse(after, "after");
        return await store.ListDeadLettersAsync(workspaceId, subscription.Id, afterId, Validate.Limit(limit, DefaultDeadLetterPage, MaxDeadLetterPage), cancellationToken);
    }

    /// <summary>Queues dead letters again (all of the subscription's, or those named), each with a fresh set of attempts; returns how many.</summary>
    public async Task<int> ReplayDeadLettersAsync(Caller caller, Ulid workspaceId, Ulid subscriptionId, IReadOnlyList<string>? deliveryIds, CancellationToken cancellationToken = default)
    {
        var subscription = await ManagedAsync(caller, workspaceId, subscriptionId, cancellationToken);
        IReadOnlyList<Ulid>? ids = deliveryIds is null ? null : [.. deliveryIds.Select(id => Ids.Parse(id, "Delivery"))];
        if (ids is { Count: 0 or > MaxDeadLetterPage })
        {
            throw TanagerException.Invalid($"delivery_ids must name 1 to {MaxDeadLetterPage} dead letters, or be omitted for all.");
        }
        var count = await store.ReplayDeadLettersAsync(workspaceId, subscription.Id, ids, time.UtcNow(), cancellationToken);
        await audit.RecordAsync(AuditEventKinds.SubscriptionReplayed, caller, subscription.OwnerId, $"{count} dead letters of event subscription {subscription.Id} replayed", cancellationToken);
        _wake.Writer.TryWrite(true);
        return count;
    }

    /// <summary>
    /// Queues a published event for every subscription of its workspace that wants it and whose owner may see it. Called
    /// by <see cref="EventDispatcher"/> after the change was committed; a failure is logged, never thrown at the sender.
    /// </summary>
    /// <remarks>
    /// A message's creation (<paramref name="value"/> a <see cref="MessageDto"/>) is queued through the subscription's message cursor of the
    /// channel (<see cref="QueueMessagesAsync"/>), so that a message committed but never queued here (the node died in
    /// between, or its queueing failed) is queued before the next one, and concurrent sends are queued in sequence order.
    /// Other events are queued as they come: one that was committed just before a crash is not delivered (documented).
    /// </remarks>
    internal async ValueTask EnqueueAsync<T>(EventHeader header, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        if (header.WorkspaceId == default || !IsDeliverable(header.Name))
        {
            return;
        }
        try
        {
            var subscriptions = await SubscriptionsOfAsync(header.WorkspaceId, cancellationToken);
            if (subscriptions.Count == 0)
            {
                return;
            }
            // Serialized here, as the data alone, only for a workspace that has subscriptions: most have none.
            ReadOnlyMemory<byte> data = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
            var message = value as MessageDto;
            var created = header.Name == GatewayEvents.MessageCreate && message is not null && header.ChannelId != default;
            var now = time.UtcNow();
            var deliveries = new List<EventDelivery>();
            var visibleTo = new Dictionary<Ulid, bool>();
            foreach (var subscription in subscriptions)
            {
                if ((header.ChannelId != default && subscription.ChannelIds.Count > 0 && !subscription.ChannelIds.Contains(header.ChannelId))
                    || !(created ? WantsMessages(subscription) : subscription.Events.Contains(header.Name)))
                {
                    continue;
                }
                if (!visibleTo.TryGetValue(subscription.OwnerId, out var visible))
                {
                    visibleTo[subscription.OwnerId] = visible = await OwnerSeesAsync(header.WorkspaceId, header.ChannelId, subscription.OwnerId, cancellationToken);
                }
                if (!visible)
                {
                    continue;
                }
                if (created)
                {
                    await QueueMessagesAsync(subscription, header.ChannelId, message!.Sequence, new LiveMessage(data, message.Content), cancellationToken);
                    continue;
                }
                // Channel events keep the channel's order by its change sequence; events outside the change stream keep
                // the order they were queued in, under one workspace-wide key.
                var (orderKey, sequence) = header.Sequence > 0 ? (header.ChannelId, header.Sequence) : (Ulid.Empty, 0L);
                deliveries.Add(NewDelivery(subscription, header.Name, orderKey, sequence, data.Span, now));
            }
            if (deliveries.Count > 0)
            {
                await store.EnqueueDeliveriesAsync(deliveries, cancellationToken);
                _wake.Writer.TryWrite(true);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A subscription deleted on another node within the cache's lifetime fails the insert: look again next time.
            _cache.TryRemove(header.WorkspaceId, out _);
            Log.WebhookEnqueueFailed(logger, exception, header.Name, header.WorkspaceId.ToString());
        }
    }

    /// <summary>
    /// Queues a start-up's leftovers: for every message cursor, the channel's messages after it that were committed and
    /// never queued (their node stopped between the two). Called by <see cref="OutgoingWebhookSender"/> as it starts.
    /// </summary>
    internal async Task RecoverAsync(CancellationToken cancellationToken)
    {
        foreach (var cursor in await store.ListMessageCursorsAsync(cancellationToken))
        {
            try
            {
                var subscription = (await SubscriptionsOfAsync(cursor.WorkspaceId, cancellationToken)).FirstOrDefault(s => s.Id == cursor.SubscriptionId);
                var newest = await messages.ListAsync(cursor.WorkspaceId, cursor.ChannelId, new HistoryQuery(null, null, 1), cancellationToken);
                if (subscription is null || newest.Messages.Count == 0 || newest.Messages[^1].Sequence <= cursor.Sequence
                    || !await OwnerSeesAsync(cursor.WorkspaceId, cursor.ChannelId, subscription.OwnerId, cancellationToken))
                {
                    continue;
                }
                await QueueMessagesAsync(subscription, cursor.ChannelId, newest.Messages[^1].Sequence, live: null, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.WebhookEnqueueFailed(logger, exception, GatewayEvents.MessageCreate, cursor.WorkspaceId.ToString());
            }
        }
    }

    /// <summary>A message being published: its event's data as the gateway sends it, and its content for mentions.</summary>
    private readonly record struct LiveMessage(ReadOnlyMemory<byte> Data, string Content);

    /// <summary>
    /// Queues the creation of every message of the channel up to sequence <paramref name="upTo"/> that the subscription
    /// has not had queued (those after its cursor; with no cursor yet, the newest page's messages created after the
    /// subscription), in sequence order, and moves the cursor to <paramref name="upTo"/> in the same transaction.
    /// <paramref name="live"/> is message <paramref name="upTo"/> as published; without it, that one is read too.
    /// Another caller moving the cursor first (a concurrent send) makes this read the cursor again.
    /// </summary>
    private async ValueTask QueueMessagesAsync(EventSubscription subscription, Ulid channelId, long upTo, LiveMessage? live, CancellationToken cancellationToken)
    {
        var workspaceId = subscription.WorkspaceId;
        for (var round = 0; round < MaxCursorRounds; round++)
        {
            var cursor = await store.GetMessageCursorAsync(workspaceId, subscription.Id, channelId, cancellationToken);
            if (cursor >= upTo)
            {
                return;
            }
            var before = live is null ? upTo + 1 : upTo;
            var slice = await messages.ListAsync(workspaceId, channelId, new HistoryQuery(before, cursor, FillPage), cancellationToken);
            // Paging forward, the stores read from the cursor on (Before applies to backward pages only): later ones are cut here.
            var inRange = slice.Messages.Where(m => m.Sequence < before).ToList();
            // Without a cursor, the newest page is all that is looked at: a subscription's first message in a channel.
            var complete = cursor is null || !slice.HasMore || inRange.Count < slice.Messages.Count;
            var target = complete ? upTo : inRange[^1].Sequence;
            var now = time.UtcNow();
            var deliveries = new List<EventDelivery>();
            foreach (var missing in inRange)
            {
                if (missing.DeletedAt is null && (cursor is not null || missing.CreatedAt >= subscription.CreatedAt)
                    && EventTypeFor(subscription, missing.Content) is { } type)
                {
                    var json = JsonSerializer.SerializeToUtf8Bytes(missing.ToDto(), TanagerJsonContext.Default.MessageDto);
                    deliveries.Add(NewDelivery(subscription, type, channelId, missing.Sequence, json, now));
                }
            }
            if (complete && live is { } message && EventTypeFor(subscription, message.Content) is { } liveType)
            {
                deliveries.Add(NewDelivery(subscription, liveType, channelId, upTo, message.Data.Span, now));
            }
            if (await store.EnqueueMessageDeliveriesAsync(workspaceId, subscription.Id, channelId, cursor, target, deliveries, cancellationToken))
            {
                if (deliveries.Count > 0)
                {
                    _wake.Writer.TryWrite(true);
                }
                if (complete)
                {
                    return;
                }
            }
        }
        Log.WebhookCursorContended(logger, subscription.Id.ToString(), channelId.ToString(), upTo);
    }

    private EventDelivery NewDelivery(EventSubscription subscription, string eventType, Ulid orderKey, long sequence, ReadOnlySpan<byte> data, DateTimeOffset now)
    {
        Ulid id;
        lock (_idLock)
        {
            id = Ulid.NewUlid(now, _ids);
        }
        return new EventDelivery(id, subscription.WorkspaceId, subscription.Id, orderKey, sequence, eventType,
            WebhookBody.Write(id, eventType, subscription.WorkspaceId, subscription.Id, now, data), 0, now, null, null, null, now);
    }

    /// <summary>
    /// The workspace's subscriptions, kept for <see cref="OutgoingWebhookOptions.SubscriptionCacheDuration"/>: every
    /// event asks, and most workspaces have none. This node's changes clear it; another node's are seen when it expires
    /// (a message created meanwhile is still queued, by the cursor, with the next one in its channel).
    /// </summary>
    private async ValueTask<IReadOnlyList<EventSubscription>> SubscriptionsOfAsync(Ulid workspaceId, CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        if (_cache.TryGetValue(workspaceId, out var cached) && cached.Until > now)
        {
            return cached.Subscriptions;
        }
        var subscriptions = await store.ListEventSubscriptionsAsync(workspaceId, cancellationToken);
        if (_cache.Count >= MaxCachedWorkspaces)
        {
            _cache.Clear();
        }
        _cache[workspaceId] = (subscriptions, now + (long)_options.SubscriptionCacheDuration.TotalMilliseconds);
        return subscriptions;
    }

    internal static bool IsDeliverable(string eventName) => eventName is GatewayEvents.MessageCreate or GatewayEvents.ReactionAdd or GatewayEvents.ReactionRemove
        or GatewayEvents.ChannelMemberAdd or GatewayEvents.ChannelMemberRemove or GatewayEvents.WorkspaceMemberAdd or GatewayEvents.WorkspaceMemberRemove;

    private static bool WantsMessages(EventSubscription subscription) =>
        subscription.Events.Contains(GatewayEvents.MessageCreate) || subscription.Events.Contains(MessageMention);

    /// <summary>What a message's creation is to the subscription: MESSAGE_CREATE, MESSAGE_MENTION when only mentions of its owner are wanted, or nothing.</summary>
    private static string? EventTypeFor(EventSubscription subscription, string content)
    {
        if (subscription.Events.Contains(GatewayEvents.MessageCreate))
        {
            return GatewayEvents.MessageCreate;
        }
        return subscription.Events.Contains(MessageMention) && Mentions.Mention(content, subscription.OwnerId) ? MessageMention : null;
    }

    private async ValueTask<bool> OwnerSeesAsync(Ulid workspaceId, Ulid channelId, Ulid ownerId, CancellationToken cancellationToken)
    {
        if (channelId == default)
        {
            return await workspaces.GetMemberAsync(workspaceId, ownerId, cancellationToken) is not null;
        }
        var access = await channels.GetAccessAsync(workspaceId, channelId, ownerId, cancellationToken);
        return access is { Channel: { } channel } && Permissions.CanSeeChannel(access.Role, channel, access.IsMember);
    }

    /// <summary>Whether the caller may manage subscriptions here, and whether as an owner or admin (all of them) rather than a bot (its own).</summary>
    private async Task<bool> ManagerAsync(Caller caller, Ulid workspaceId, CancellationToken cancellationToken)
    {
        Scope.Demand(Scope.SubscriptionsWrite);
        var member = await Access.WorkspaceMemberAsync(workspaces, workspaceId, caller.UserId, cancellationToken);
        if (member.Role is WorkspaceRole.Owner or WorkspaceRole.Admin)
        {
            return true;
        }
        return caller.User.IsBot ? false : throw TanagerException.Forbidden("Only workspace owners and admins, or a bot for itself, manage event subscriptions.");
    }

    private async Task<EventSubscription> ManagedAsync(Caller caller, Ulid workspaceId, Ulid subscriptionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var admin = await ManagerAsync(caller, workspaceId, cancellationToken);
        return await store.GetEventSubscriptionAsync(workspaceId, subscriptionId, cancellationToken) is { } subscription && (admin || subscription.OwnerId == caller.UserId)
            ? subscription
            : throw TanagerException.NotFound("Subscription");
    }

    private static string[] ValidEvents(IReadOnlyList<string>? events)
    {
        if (events is null || events.Count == 0)
        {
            throw TanagerException.Invalid($"events must name at least one of: {string.Join(", ", Events)}.");
        }
        foreach (var name in events)
        {
            if (!Events.Contains(name))
            {
                throw TanagerException.Invalid($"Unknown event '{name}'. Events are: {string.Join(", ", Events)}.");
            }
        }
        return [.. Events.Where(events.Contains)];
    }

    private async Task<Ulid[]> ValidChannelsAsync(Caller caller, Ulid workspaceId, IReadOnlyList<string>? channelIds, CancellationToken cancellationToken)
    {
        if (channelIds is null)
        {
            return [];
        }
        if (channelIds.Count > MaxChannels)
        {
            throw TanagerException.Invalid($"channel_ids may name at most {MaxChannels} channels; omit it for every channel.");
        }
        var ids = channelIds.Select(id => Ids.Parse(id, "Channel")).Distinct().Order().ToArray();
        foreach (var id in ids)
        {
            // Only channels the owner can see: naming another is "not found", as everywhere.
            await Access.VisibleChannelAsync(channels, workspaceId, id, caller.UserId, cancellationToken);
        }
        return ids;
    }
}
