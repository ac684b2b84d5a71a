using Microsoft.Extensions.Options;
using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// What a live connection (gateway or event stream) asks of Core: the READY snapshot, TYPING, and the stored changes a
/// connection missed. The gateway keeps only transport state and calls these.
/// </summary>
public sealed class ConnectionService(IWorkspaceStore workspaces, IChannelStore channels, IMessageStore messages, IReadStateStore readStates, EventDispatcher events, PresenceTracker presence, IOptions<TanagerOptions> options, AttachmentService? attachments = null)
{
    /// <summary>Bounds the store reads of catch-ups, so that a pub/sub outage on a busy node does not stampede the store.</summary>
    private readonly SemaphoreSlim _catchUpSlots = new(8, 8);
    private readonly int _replayLimit = options.Value.Gateway.ReplayLimit;

    /// <summary>
    /// Builds READY for <paramref name="user"/>, calling <paramref name="follow"/> for each workspace and channel before
    /// reading the state READY reports, so that no change falls between the snapshot and the subscription.
    /// </summary>
    internal async Task<ReadySnapshot> ReadyAsync(string sessionId, User user, IReadyFollower follow, CancellationToken cancellationToken)
    {
        var result = new List<ReadyWorkspace>();
        var roles = new List<(Ulid, WorkspaceRole)>();
        var heads = new Dictionary<Ulid, long>();
        foreach (var (workspace, member) in await workspaces.ListForUserAsync(user.Id, cancellationToken))
        {
            await follow.FollowWorkspaceAsync(workspace.Id, cancellationToken);
            roles.Add((workspace.Id, member.Role));
            var memberships = await channels.ListMembershipsAsync(workspace.Id, user.Id, cancellationToken);
            foreach (var channelId in memberships)
            {
                await follow.FollowChannelAsync(workspace.Id, channelId, cancellationToken);
            }
            var states = memberships.Count == 0 ? [] : (await readStates.GetReadStatesAsync(workspace.Id, user.Id, [.. memberships], cancellationToken)).ToDictionary(s => s.ChannelId);
            var followed = (await channels.ListAsync(workspace.Id, cancellationToken)).Where(c => memberships.Contains(c.Id)).ToList();
            foreach (var channel in followed)
            {
                heads[channel.Id] = channel.LastSequence;
            }
            // Direct and group messages are named after their participants by clients: READY carries them, as REST does.
            var participants = !followed.Exists(c => c.IsDirectMessage) ? []
                : (await channels.ListDirectMessagesAsync(workspace.Id, user.Id, cancellationToken)).ToDictionary(d => d.Channel.Id);
            var list = followed.Select(c => (participants.TryGetValue(c.Id, out var direct) ? direct.ToDto(isMember: true) : c.ToDto(isMember: true))
                .WithReadState(states.GetValueOrDefault(c.Id))).ToList();
            result.Add(new ReadyWorkspace { Workspace = workspace.ToDto(member), Channels = list, Presences = presence.Snapshot(workspace.Id) });
        }
        return new ReadySnapshot(new ReadyData { SessionId = sessionId, User = user.ToDto(includeEmail: true), Workspaces = result }, roles, heads);
    }

    /// <summary>
    /// Announces that <paramref name="caller"/> is typing in a channel they may post in (TYPING_START to its members).
    /// </summary>
    /// <exception cref="TanagerException">missing_scope without messages:write; not_found when the caller may not post there.</exception>
    internal async Task TypingAsync(Caller caller, Ulid workspaceId, Ulid channelId, int lifetimeMs, CancellationToken cancellationToken)
    {
        if (!Scope.IsGranted(caller.Scopes, Scope.MessagesWrite))
        {
            throw Scope.Missing(Scope.MessagesWrite);
        }
        var access = await channels.GetAccessAsync(workspaceId, channelId, caller.UserId, cancellationToken);
        if (access is not { Channel: { } channel, IsMember: true } || !Permissions.CanPost(access.Role, channel, isMember: true))
        {
            throw TanagerException.NotFound("Channel");
        }
        var typing = new TypingData { WorkspaceId = workspaceId.ToString(), ChannelId = channelId.ToString(), UserId = caller.UserId.ToString(), ExpiresInMs = lifetimeMs };
        await events.PublishAsync(EventHeader.ForChannel(GatewayEvents.TypingStart, workspaceId, channelId), typing, TanagerJsonContext.Default.TypingData, cancellationToken);
    }

    /// <summary>
    /// The stored changes of a channel after <paramref name="from"/> (asked once a store slot is held, so that the
    /// callers sharing the read can still join it until then), and the channel's head: the change sequence up to which
    /// the returned messages are its whole current state. At most <see cref="GatewayOptions.ReplayLimit"/> (the newest).
    /// </summary>
    internal async Task<(IReadOnlyList<Message> Changes, long Head)> ReadChangesAsync(Ulid workspaceId, Ulid channelId, Func<long> from, CancellationToken cancellationToken)
    {
        await _catchUpSlots.WaitAsync(cancellationToken);
        try
        {
            var since = from();
            // The head is read first: every change up to it is committed, so the rows read next include its effect.
            var channel = await channels.GetAsync(workspaceId, channelId, cancellationToken);
            if (channel is null)
            {
                return ([], since);
            }
            var head = channel.LastSequence;
            var after = Math.Max(since, head - _replayLimit);
            var changes = new List<Message>();
            while (after < head)
            {
                var page = await messages.ListChangesAsync(workspaceId, channelId, after, 500, cancellationToken);
                changes.AddRange(page.Messages);
                if (!page.HasMore || page.Messages.Count == 0)
                {
                    break;
                }
                after = page.Messages[^1].ChangeSequence;
            }
            // Replayed MESSAGE_CREATE/UPDATE carry the files the live events carried.
            return (attachments is null ? changes : await attachments.WithAttachmentsAsync(workspaceId, changes, cancellationToken), Math.Max(head, since));
        }
        finally
        {
            _catchUpSlots.Release();
        }
    }
}

/// <summary>
/// READY, the role held in each workspace (to route workspace events by) and each channel's last sequence in READY
/// (where its stream starts), typed.
/// </summary>
internal sealed record ReadySnapshot(ReadyData Data, IReadOnlyList<(Ulid WorkspaceId, WorkspaceRole Role)> Roles, IReadOnlyDictionary<Ulid, long> Heads);

/// <summary>What a connection subscribes to while READY is read.</summary>
internal interface IReadyFollower
{
    ValueTask FollowWorkspaceAsync(Ulid workspaceId, CancellationToken cancellationToken);

    ValueTask FollowChannelAsync(Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken);
}
