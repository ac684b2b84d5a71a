using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>Turning dispatches into typed events: per channel in change order, with gaps caught up over REST.</summary>
public sealed partial class TanagerGateway
{
    private Task DispatchAsync(GatewayFrame frame) => frame.T switch
    {
        GatewayEvents.MessageCreate or GatewayEvents.MessageUpdate or GatewayEvents.MessageDelete => OnChangeAsync(frame.T, frame.D.Deserialize(TanagerJsonContext.Default.MessageDto)!),
        GatewayEvents.ReactionAdd or GatewayEvents.ReactionRemove => OnReactionAsync(frame.T, frame.D.Deserialize(TanagerJsonContext.Default.ReactionEventDto)!),
        GatewayEvents.ThreadUpdate => RaiseAsync(ThreadUpdated, frame.D, TanagerJsonContext.Default.ThreadFollowDto),
        GatewayEvents.ChannelCreate => RaiseAsync(ChannelCreated, frame.D, TanagerJsonContext.Default.ChannelDto),
        GatewayEvents.TypingStart => RaiseAsync(TypingStarted, frame.D, TanagerJsonContext.Default.TypingData),
        GatewayEvents.PresenceUpdate => RaiseAsync(PresenceUpdated, frame.D, TanagerJsonContext.Default.PresenceData),
        GatewayEvents.ReadStateUpdate => RaiseAsync(ReadStateUpdated, frame.D, TanagerJsonContext.Default.ReadStateDto),
        GatewayEvents.ChannelMemberAdd => RaiseAsync(ChannelMemberAdded, frame.D, TanagerJsonContext.Default.ChannelMemberDto),
        GatewayEvents.ChannelMemberRemove => RaiseAsync(ChannelMemberRemoved, frame.D, TanagerJsonContext.Default.ChannelMemberDto),
        GatewayEvents.WorkspaceMemberAdd => RaiseAsync(WorkspaceMemberAdded, frame.D, TanagerJsonContext.Default.WorkspaceMemberDto),
        GatewayEvents.ChannelUpdate => RaiseAsync(ChannelUpdated, frame.D, TanagerJsonContext.Default.ChannelDto),
        GatewayEvents.ChannelDelete => RaiseAsync(ChannelDeleted, frame.D, TanagerJsonContext.Default.ChannelDeleteDto),
        GatewayEvents.WorkspaceMemberUpdate => RaiseAsync(WorkspaceMemberUpdated, frame.D, TanagerJsonContext.Default.WorkspaceMemberDto),
        GatewayEvents.WorkspaceMemberRemove => RaiseAsync(WorkspaceMemberRemoved, frame.D, TanagerJsonContext.Default.WorkspaceMemberDto),
        GatewayEvents.WorkspaceUpdate => RaiseAsync(WorkspaceUpdated, frame.D, TanagerJsonContext.Default.WorkspaceDto),
        GatewayEvents.UserUpdate => RaiseAsync(UserUpdated, frame.D, TanagerJsonContext.Default.UserDto),
        GatewayEvents.CommandInvoke => CommandInvoked is null ? Task.CompletedTask
            : RaiseAsync(CommandInvoked, new CommandInvocation(_client, frame.D.Deserialize(TanagerJsonContext.Default.CommandInvocationDto)!)),
        GatewayEvents.EphemeralMessage => RaiseAsync(EphemeralMessageReceived, frame.D, TanagerJsonContext.Default.EphemeralMessageDto),
        // Events this SDK version does not know are skipped, so newer servers stay compatible.
        _ => Task.CompletedTask,
    };

    /// <summary>
    /// Channels READY lists that this client followed before keep their cursor (the server replays from it); new ones
    /// start at READY's last_sequence; channels no longer listed are forgotten.
    /// </summary>
    private void FollowChannels(ReadyData ready)
    {
        var listed = ready.Workspaces.SelectMany(w => w.Channels).ToDictionary(c => c.Id, c => c.LastSequence, StringComparer.Ordinal);
        foreach (var channelId in _cursors.Keys.Where(id => !listed.ContainsKey(id)).ToList())
        {
            _cursors.Remove(channelId);
        }
        foreach (var (channelId, lastSequence) in listed)
        {
            // A cursor beyond the server's head (its database was restored from a backup, say) would hide new changes.
            _cursors[channelId] = _cursors.TryGetValue(channelId, out var cursor) ? Math.Min(cursor, lastSequence) : lastSequence;
        }
    }

    private Task OnChangeAsync(string eventName, MessageDto message) =>
        ApplyInOrderAsync(message.WorkspaceId, message.ChannelId, message.ChangeSequence,
            () => RaiseAsync(eventName == GatewayEvents.MessageCreate ? MessageCreated : eventName == GatewayEvents.MessageDelete ? MessageDeleted : MessageUpdated, message));

    private Task OnReactionAsync(string eventName, ReactionEventDto reaction) =>
        ApplyInOrderAsync(reaction.WorkspaceId, reaction.ChannelId, reaction.ChangeSequence,
            () => RaiseAsync(eventName == GatewayEvents.ReactionAdd ? ReactionAdded : ReactionRemoved, reaction));

    /// <summary>Applies one channel change in order: drops what was applied already, and fetches what was skipped first.</summary>
    private async Task ApplyInOrderAsync(string workspaceId, string channelId, long changeSequence, Func<Task> raise)
    {
        if (!_cursors.TryGetValue(channelId, out var cursor))
        {
            // A channel joined during this connection: its history before this event is not news.
            cursor = changeSequence - 1;
            _cursors[channelId] = cursor;
        }
        if (changeSequence > cursor + 1)
        {
            // A jump means changes were skipped: the server was too far behind, or it replayed only the latest state of
            // messages changed several times. Page them in ("changes since" gives each message's current state).
            await CatchUpAsync(workspaceId, channelId, cursor);
        }
        if (changeSequence <= _cursors[channelId])
        {
            return;
        }
        _cursors[channelId] = changeSequence;
        await raise();
    }

    /// <summary>Applies, in order, the changes after <paramref name="since"/> read over REST ("changes since").</summary>
    private async Task CatchUpAsync(string workspaceId, string channelId, long since)
    {
        try
        {
            var cursor = since;
            while (true)
            {
                var page = await _client.GetChangesAsync(workspaceId, channelId, cursor, limit: 100);
                foreach (var message in page.Messages)
                {
                    cursor = Math.Max(cursor, message.ChangeSequence);
                    if (message.ChangeSequence <= _cursors[channelId])
                    {
                        continue;
                    }
                    _cursors[channelId] = message.ChangeSequence;
                    // "Changes since" gives each message's current state: new to this client, gone, or changed.
                    var handlers = message.Sequence > since ? MessageCreated : message.DeletedAt is not null ? MessageDeleted : MessageUpdated;
                    await RaiseAsync(handlers, message);
                }
                if (!page.HasMore || page.Messages.Count == 0)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or TanagerApiException or TaskCanceledException)
        {
            // The gap stays known: the next event of the channel, or the next RESUME, tries again.
            HandlerFailed?.Invoke(exception);
        }
    }

    private Task RaiseAsync<T>(Func<T, Task>? handlers, JsonElement data, JsonTypeInfo<T> typeInfo) =>
        handlers is null ? Task.CompletedTask : RaiseAsync(handlers, data.Deserialize(typeInfo)!);

    private async Task RaiseAsync<T>(Func<T, Task>? handlers, T value)
    {
        if (handlers is null)
        {
            return;
        }
        foreach (var handler in handlers.GetInvocationList().Cast<Func<T, Task>>())
        {
            try
            {
                await handler(value);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                HandlerFailed?.Invoke(exception);
            }
        }
    }
}
