using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// What reaches the session on the user's own subject and the workspaces' subjects, and the subjects it follows. Every
/// decision is read from the event's header: the audience its publisher chose, and the control that makes the session
/// follow or drop a workspace or channel. No event is parsed here.
/// </summary>
public sealed partial class GatewaySession : ISubjectListener
{
    private readonly HashSet<string> _subjects = new(StringComparer.Ordinal);
    /// <summary>The channels followed, by id. Guarded by <see cref="_gate"/>.</summary>
    private readonly Dictionary<Ulid, ChannelStream> _streams = [];
    /// <summary>The user's role in each workspace followed. Guarded by <see cref="_gate"/>.</summary>
    private readonly Dictionary<Ulid, WorkspaceRole> _roles = [];
    /// <summary>Events that arrive while READY is being built; sent right after it so none is lost.</summary>
    private List<OutboundEvent>? _pending;
    /// <summary>
    /// Channels deleted while followed: their CHANNEL_DELETE came on the channel's subject, and the copy for those who saw
    /// the channel without being in it must not reach this connection too. Guarded by <see cref="_gate"/>.
    /// </summary>
    private HashSet<Ulid>? _deleted;
    private bool _streamsStarted;
    private volatile bool _ready;

    /// <summary>An event on the user's own subject or a workspace's subject (channel subjects go to <see cref="ChannelStream"/>).</summary>
    public void Deliver(OutboundEvent outboundEvent)
    {
        ArgumentNullException.ThrowIfNull(outboundEvent);
        var header = outboundEvent.Header;
        if (header.HasExcept && header.ExceptUserId == UserKey)
        {
            return;
        }
        if (header.Scope == EventScope.User)
        {
            Apply(header);
        }
        else if (header.ConcernsChannel && !Admits(header))
        {
            return;
        }
        DeliverUnordered(outboundEvent);
    }

    /// <summary>Sends an event outside any channel's change stream, or keeps it until READY is out.</summary>
    internal void DeliverUnordered(OutboundEvent outboundEvent)
    {
        if (_ready)
        {
            _connection.TrySend(outboundEvent.GetFrame(_connection.Encoder));
            return;
        }
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            if (_pending is null)
            {
                _connection.TrySend(outboundEvent.GetFrame(_connection.Encoder));
                return;
            }
            if (_pending.Count >= _hub.Options.SendQueueFrames)
            {
                Close(GatewayCloseCodes.SlowConsumer, "Too many events arrived before READY was sent.");
                return;
            }
            _pending.Add(outboundEvent);
        }
    }

    /// <summary>
    /// A workspace event about a channel reaches those whose role may see the channel and who are not its members (members
    /// hear of it on the channel's subject): a channel hidden from a role by an override is never described to it.
    /// </summary>
    private bool Admits(EventHeader header)
    {
        lock (_gate)
        {
            return !_streams.ContainsKey(header.ChannelId)
                && !(header.Name == GatewayEvents.ChannelDelete && _deleted is not null && _deleted.Contains(header.ChannelId))
                && _roles.TryGetValue(header.WorkspaceId, out var role)
                && (header.Roles & (RoleSet)(1 << (int)role)) != RoleSet.None;
        }
    }

    /// <summary>Carries out what a user-scope event's publisher decided for this user's connections.</summary>
    private void Apply(EventHeader header)
    {
        switch (header.Control)
        {
            case SessionControl.WorkspaceJoined or SessionControl.WorkspaceRoleChanged:
                lock (_gate)
                {
                    _roles[header.WorkspaceId] = header.Role;
                }
                Track(SubscribeAsync(Subjects.Workspace(header.WorkspaceId), CancellationToken.None));
                break;
            case SessionControl.WorkspaceLeft:
                ChannelStream[] leaving;
                lock (_gate)
                {
                    _roles.Remove(header.WorkspaceId);
                    leaving = [.. _streams.Values.Where(s => s.WorkspaceId == header.WorkspaceId)];
                }
                foreach (var stream in leaving)
                {
                    Forget(stream);
                }
                Track(UnsubscribeAsync(Subjects.Workspace(header.WorkspaceId)));
                break;
            case SessionControl.ChannelJoined:
                Track(FollowChannelAsync(header.WorkspaceId, header.ChannelId, started: true, CancellationToken.None));
                break;
            case SessionControl.ChannelLeft:
                ChannelStream? left;
                lock (_gate)
                {
                    _streams.TryGetValue(header.ChannelId, out left);
                }
                if (left is not null)
                {
                    Forget(left);
                }
                break;
            case SessionControl.Revoked when header.Credentials.Count == 0 || header.Credentials.Contains(_caller!.CredentialId):
                Close(GatewayCloseCodes.AuthenticationFailed, "The session or token was revoked.");
                break;
        }
    }

    /// <summary>Stops following a channel (left, deleted, or its workspace left).</summary>
    internal void Forget(ChannelStream stream, bool deleted = false)
    {
        lock (_gate)
        {
            if (!_streams.TryGetValue(stream.ChannelId, out var current) || !ReferenceEquals(current, stream))
            {
                return;
            }
            _streams.Remove(stream.ChannelId);
            if (deleted)
            {
                _deleted ??= [];
                if (_deleted.Count >= 256)
                {
                    _deleted.Clear();
                }
                _deleted.Add(stream.ChannelId);
            }
        }
        Track(stream.UnsubscribeAsync());
    }

    /// <summary>Reads from the store whatever each followed channel may have missed (after a pub/sub outage).</summary>
    internal void CatchUpAll()
    {
        ChannelStream[] streams;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }
            streams = [.. _streams.Values];
        }
        foreach (var stream in streams)
        {
            stream.CatchUp();
        }
    }

    /// <summary>
    /// Follows a channel. One followed while READY is read starts with READY; one joined later (<paramref name="started"/>)
    /// starts at its first event, since its history before that is not news.
    /// </summary>
    private async ValueTask FollowChannelAsync(Ulid workspaceId, Ulid channelId, bool started, CancellationToken cancellationToken)
    {
        ChannelStream stream;
        bool startNow;
        lock (_gate)
        {
            if (_closed || _streams.ContainsKey(channelId))
            {
                return;
            }
            stream = new ChannelStream(this, _hub, _connection, workspaceId, channelId);
            _streams.Add(channelId, stream);
            startNow = started && _streamsStarted;
        }
        if (startNow)
        {
            stream.Start(-1, behind: false);
        }
        await stream.SubscribeAsync(cancellationToken);
    }

    private async ValueTask SubscribeAsync(string subject, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_closed || !_subjects.Add(subject))
            {
                return;
            }
        }
        await _hub.FanOut.AddAsync(subject, this, cancellationToken);
    }

    private async ValueTask UnsubscribeAsync(string subject)
    {
        lock (_gate)
        {
            if (!_subjects.Remove(subject))
            {
                return;
            }
        }
        await _hub.FanOut.RemoveAsync(subject, this);
    }

    private void Track(ValueTask pending)
    {
        if (pending.IsCompletedSuccessfully)
        {
            return;
        }
        _ = ObserveAsync(pending.AsTask());

        async Task ObserveAsync(Task task)
        {
            try
            {
                await task;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Log.SubscriptionFailed(_hub.Logger, exception, Id);
                Close(GatewayCloseCodes.InternalError, "Subscription failed; reconnect.");
            }
        }
    }
}
