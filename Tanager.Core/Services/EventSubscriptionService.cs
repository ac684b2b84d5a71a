using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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
    IEventSubscriptionStore store, IWorkspaceStore workspaces, IChannelStore channels, AuditLog audit, IOptions<TanagerOptions> options,
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

    private readonly OutgoingWebhookOptions _options = options.Value.OutgoingWebhooks;
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
    internal async ValueTask EnqueueAsync(EventHeader header, ReadOnlyMemory<byte> data, string? messageContent, CancellationToken cancellationToken)
    {
        if (header.WorkspaceId == default || !IsDeliverable(header.Name))
        {
            return;
        }
        try
        {
            var subscriptions = await store.ListEventSubscriptionsAsync(header.WorkspaceId, cancellationToken);
            if (subscriptions.Count == 0)
            {
                return;
            }
            var now = time.UtcNow();
            var deliveries = new List<EventDelivery>();
            var visibleTo = new Dictionary<Ulid, bool>();
            foreach (var subscription in subscriptions)
            {
                var eventType = EventTypeFor(subscription, header.Name, messageContent);
                if (eventType is null || (header.ChannelId != default && subscription.ChannelIds.Count > 0 && !subscription.ChannelIds.Contains(header.ChannelId)))
                {
                    continue;
                }
                if (!visibleTo.TryGetValue(subscription.OwnerId, out var visible))
                {
                    visibleTo[subscription.OwnerId] = visible = await OwnerSeesAsync(header, subscription.OwnerId, cancellationToken);
                }
                if (!visible)
                {
                    continue;
                }
                Ulid id;
                lock (_idLock)
                {
                    id = Ulid.NewUlid(now, _ids);
                }
                // Channel events keep the channel's order by its change sequence; events outside the change stream keep
                // the order they were queued in, under one workspace-wide key.
                var (orderKey, sequence) = header.Sequence > 0 ? (header.ChannelId, header.Sequence) : (Ulid.Empty, 0L);
                deliveries.Add(new EventDelivery(id, header.WorkspaceId, subscription.Id, orderKey, sequence, eventType,
                    Body(id, eventType, header.WorkspaceId, subscription.Id, now, data.Span), 0, now, null, null, null, now));
            }
            if (deliveries.Count > 0)
            {
                await store.EnqueueDeliveriesAsync(deliveries, cancellationToken);
                _wake.Writer.TryWrite(true);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.WebhookEnqueueFailed(logger, exception, header.Name, header.WorkspaceId.ToString());
        }
    }

    internal static bool IsDeliverable(string eventName) => eventName is GatewayEvents.MessageCreate or GatewayEvents.ReactionAdd or GatewayEvents.ReactionRemove
        or GatewayEvents.ChannelMemberAdd or GatewayEvents.ChannelMemberRemove or GatewayEvents.WorkspaceMemberAdd or GatewayEvents.WorkspaceMemberRemove;

    private static string? EventTypeFor(EventSubscription subscription, string eventName, string? messageContent)
    {
        if (subscription.Events.Contains(eventName))
        {
            return eventName;
        }
        return eventName == GatewayEvents.MessageCreate && subscription.Events.Contains(MessageMention) && messageContent is not null
            && Mentions.Mention(messageContent, subscription.OwnerId) ? MessageMention : null;
    }

    private async ValueTask<bool> OwnerSeesAsync(EventHeader header, Ulid ownerId, CancellationToken cancellationToken)
    {
        if (header.ChannelId == default)
        {
            return await workspaces.GetMemberAsync(header.WorkspaceId, ownerId, cancellationToken) is not null;
        }
        var access = await channels.GetAccessAsync(header.WorkspaceId, header.ChannelId, ownerId, cancellationToken);
        return access is { Channel: { } channel } && Permissions.CanSeeChannel(access.Role, channel, access.IsMember);
    }

    /// <summary>What the receiver gets: the event's id (the same on every retry), its type, where it happened and its data as the gateway sends it.</summary>
    private static byte[] Body(Ulid id, string eventType, Ulid workspaceId, Ulid subscriptionId, DateTimeOffset at, ReadOnlySpan<byte> data)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(data.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, id.ToString());
            writer.WriteString("type"u8, eventType);
            writer.WriteString("workspace_id"u8, workspaceId.ToString());
            writer.WriteString("subscription_id"u8, subscriptionId.ToString());
            writer.WriteString("created_at"u8, at);
            writer.WritePropertyName("data"u8);
            writer.WriteRawValue(data, skipInputValidation: true);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
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
