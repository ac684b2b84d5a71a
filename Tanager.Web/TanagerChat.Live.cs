using Tanager.Client;
using Tanager.Protocol;
using Tanager.Web.Internal;

namespace Tanager.Web;

/// <summary>The gateway's events applied to what the page shows. The SDK delivers each channel's changes once and in order, catching up after a reconnect.</summary>
public sealed partial class TanagerChat
{
    private async Task StartAsync(TanagerClient client)
    {
        _client = client;
        _me = client.User ?? await client.GetMeAsync(_disposing.Token);
        _users[_me.Id] = _me;
        _connection = ConnectionState.Connecting;
        var gateway = client.Gateway;
        gateway.Ready += OnReadyAsync;
        gateway.Disconnected += OnDisconnectedAsync;
        gateway.MessageCreated += OnMessageCreatedAsync;
        gateway.MessageUpdated += OnMessageChangedAsync;
        gateway.MessageDeleted += OnMessageChangedAsync;
        gateway.ReactionAdded += r => OnReactionAsync(r, added: true);
        gateway.ReactionRemoved += r => OnReactionAsync(r, added: false);
        gateway.ChannelMemberAdded += OnChannelMemberAddedAsync;
        gateway.ChannelMemberRemoved += OnChannelMemberRemovedAsync;
        gateway.ChannelUpdated += OnChannelUpdatedAsync;
        gateway.ChannelDeleted += OnChannelDeletedAsync;
        gateway.WorkspaceMemberAdded += OnWorkspaceMemberAddedAsync;
        gateway.WorkspaceMemberRemoved += OnWorkspaceMemberRemovedAsync;
        gateway.UserUpdated += OnUserUpdatedAsync;
        gateway.ReadStateUpdated += OnReadStateUpdatedAsync;
        gateway.TypingStarted += OnTypingAsync;
        gateway.PresenceUpdated += OnPresenceAsync;
        // Not awaited: the first READY may take a while (or never come while the server is down); the page shows the
        // connection state meanwhile, and OnReadyAsync fills it in.
        _ = ConnectAsync(gateway);
    }

    private async Task ConnectAsync(TanagerGateway gateway)
    {
        try
        {
            await gateway.ConnectAsync(_disposing.Token);
        }
        catch (TanagerApiException)
        {
            // The token was refused for good (revoked, say): back to the sign-in form.
            _connection = ConnectionState.Refused;
            await InvokeAsync(SignOutAsync);
            await InvokeAsync(StateHasChanged);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception exception)
        {
            // Not expected: shown (and in the browser's console) rather than a page that says "Connecting…" for ever.
            _connection = ConnectionState.Refused;
            _error = $"The live connection failed: {exception.Message}";
            await Console.Error.WriteLineAsync(exception.ToString());
            await InvokeAsync(StateHasChanged);
        }
    }

    private async Task OnReadyAsync(ReadyData ready)
    {
        _connection = ConnectionState.Connected;
        _me = ready.User;
        _users[_me.Id] = _me;
        _workspaces.Clear();
        _workspaces.AddRange(ready.Workspaces.Select(w => w.Workspace).OrderBy(w => w.Name, StringComparer.CurrentCultureIgnoreCase));
        _channels.Clear();
        RememberPresences(ready);
        foreach (var workspace in ready.Workspaces)
        {
            _channels[workspace.Workspace.Id] = [.. workspace.Channels.OrderBy(c => c.Name, StringComparer.Ordinal)];
        }
        await RefreshInvitationsAsync();
        if (_workspaceId is null || Workspace is null)
        {
            if (_workspaces.Count > 0)
            {
                await SelectWorkspaceAsync(_workspaces[0].Id);
            }
            await OpenLinkedChannelAsync();
        }
        else if (_channelId is not null)
        {
            // After a reconnect the SDK has replayed what was missed; the reader is where they were.
            await MarkReadAsync();
        }
        await InvokeAsync(StateHasChanged);
    }

    private async Task OnDisconnectedAsync(GatewayDisconnect disconnect)
    {
        _connection = disconnect.WillReconnect ? ConnectionState.Reconnecting : ConnectionState.Refused;
        await InvokeAsync(StateHasChanged);
    }

    private async Task OnMessageCreatedAsync(MessageDto message)
    {
        var atEnd = message.ChannelId == _channelId && message.ThreadId is null && await IsNearEndAsync();
        ApplyEverywhere(message);
        CountReply(message);
        StopTyping(message);
        var mine = message.AuthorId == _me?.Id;
        if (message.ChannelId == _channelId && message.ThreadId is null)
        {
            _scrollToEnd |= atEnd || mine;
            await MarkReadAsync();
        }
        else if (!mine && message.ThreadId is null)
        {
            var mentioned = MentionsMe(message) ? 1 : 0;
            UpdateChannel(message.WorkspaceId, message.ChannelId, c => c with
            {
                UnreadCount = (c.UnreadCount ?? 0) + 1,
                MentionCount = (c.MentionCount ?? 0) + mentioned,
                LastSequence = Math.Max(c.LastSequence, message.Sequence),
            });
        }
        if (!mine)
        {
            if (!_users.ContainsKey(message.AuthorId))
            {
                await LoadUserAsync(message.WorkspaceId, message.AuthorId);
            }
            var where = FindChannel(message.WorkspaceId, message.ChannelId) is { } channel ? ChannelLabel(channel) : "a channel";
            var plain = PlainText(message.Content);
            var text = plain.Length > 140 ? plain[..140] + "…" : plain;
            _announcement = $"{NameOf(message.AuthorId)} in {where}: {text}";
            await NotifyAsync(message);
        }
        await InvokeAsync(StateHasChanged);
    }

    private async Task OnMessageChangedAsync(MessageDto message)
    {
        var pinsChanged = _pinsOpen && message.ChannelId == _channelId
            && (message.PinnedAt is not null) != _pins.Any(p => p.Id == message.Id);
        ApplyEverywhere(message);
        if (pinsChanged)
        {
            await LoadPinsAsync();
        }
        if (message.DeletedAt is not null)
        {
            CountReply(message);
        }
        await InvokeAsync(StateHasChanged);
    }

    private async Task OnReactionAsync(ReactionEventDto reaction, bool added)
    {
        if (_me is null)
        {
            return;
        }
        if (_timelines.TryGetValue(reaction.ChannelId, out var timeline))
        {
            timeline.ApplyReaction(reaction, added, _me.Id);
        }
        _thread?.ApplyReaction(reaction, added, _me.Id);
        await InvokeAsync(StateHasChanged);
    }

    private async Task OnChannelMemberAddedAsync(ChannelMemberDto member)
    {
        if (_client is null || member.UserId != _me?.Id || FindChannel(member.WorkspaceId, member.ChannelId) is not null)
        {
            return;
        }
        try
        {
            AddChannel(await _client.GetChannelAsync(member.WorkspaceId, member.ChannelId, _disposing.Token));
            await InvokeAsync(StateHasChanged);
        }
        catch (TanagerApiException)
        {
            // Gone again before we asked: nothing to show.
        }
    }

    private async Task OnChannelMemberRemovedAsync(ChannelMemberDto member)
    {
        if (member.UserId == _me?.Id)
        {
            RemoveChannel(member.WorkspaceId, member.ChannelId);
            await InvokeAsync(StateHasChanged);
        }
    }

    private async Task OnChannelUpdatedAsync(ChannelDto channel)
    {
        // Broadcasts carry no per-member fields: keep ours.
        UpdateChannel(channel.WorkspaceId, channel.Id, c => channel with { IsMember = c.IsMember, LastReadSequence = c.LastReadSequence, UnreadCount = c.UnreadCount, MentionCount = c.MentionCount });
        await InvokeAsync(StateHasChanged);
    }

    private async Task OnChannelDeletedAsync(ChannelDeleteDto deleted)
    {
        RemoveChannel(deleted.WorkspaceId, deleted.ChannelId);
        await InvokeAsync(StateHasChanged);
    }

    private async Task OnWorkspaceMemberAddedAsync(WorkspaceMemberDto member)
    {
        _users[member.User.Id] = member.User;
        RememberMember(member, added: true);
        if (_client is not null && member.User.Id == _me?.Id && _workspaces.TrueForAll(w => w.Id != member.WorkspaceId))
        {
            await AddWorkspaceAsync(await _client.GetWorkspaceAsync(member.WorkspaceId, _disposing.Token));
        }
        await InvokeAsync(StateHasChanged);
    }

    private async Task OnWorkspaceMemberRemovedAsync(WorkspaceMemberDto member)
    {
        RememberMember(member, added: false);
        if (member.User.Id != _me?.Id)
        {
            return;
        }
        _workspaces.RemoveAll(w => w.Id == member.WorkspaceId);
        _channels.Remove(member.WorkspaceId);
        if (_workspaceId == member.WorkspaceId)
        {
            _workspaceId = null;
            _channelId = null;
            if (_workspaces.Count > 0)
            {
                await SelectWorkspaceAsync(_workspaces[0].Id);
            }
        }
        await InvokeAsync(StateHasChanged);
    }

    private async Task OnUserUpdatedAsync(UserDto user)
    {
        _users[user.Id] = user;
        await InvokeAsync(StateHasChanged);
    }

    private async Task OnReadStateUpdatedAsync(ReadStateDto state)
    {
        // Read on another tab or device: the badge follows.
        UpdateChannel(state.WorkspaceId, state.ChannelId, c => c with { LastReadSequence = state.LastReadSequence, UnreadCount = state.UnreadCount, MentionCount = state.MentionCount });
        await InvokeAsync(StateHasChanged);
    }

    private async Task<bool> IsNearEndAsync()
    {
        if (_module is null || Timeline is null)
        {
            return true;
        }
        try
        {
            return await _module.InvokeAsync<bool>("isNearEnd", _disposing.Token, [_scroller]);
        }
        catch (Microsoft.JSInterop.JSException)
        {
            return true;
        }
    }

    private async Task LoadUserAsync(string workspaceId, string userId)
    {
        if (_client is null)
        {
            return;
        }
        try
        {
            _users[userId] = (await _client.GetWorkspaceMemberAsync(workspaceId, userId, _disposing.Token)).User;
        }
        catch (TanagerApiException)
        {
            // A former member: shown as "Someone".
        }
    }

    private ChannelDto? FindChannel(string workspaceId, string channelId) =>
        _channels.TryGetValue(workspaceId, out var list) ? list.Find(c => c.Id == channelId) : null;

    private void UpdateChannel(string workspaceId, string channelId, Func<ChannelDto, ChannelDto> change)
    {
        if (_channels.TryGetValue(workspaceId, out var list) && list.FindIndex(c => c.Id == channelId) is var index and >= 0)
        {
            list[index] = change(list[index]);
        }
    }

    private void AddChannel(ChannelDto channel)
    {
        if (!_channels.TryGetValue(channel.WorkspaceId, out var list))
        {
            return;
        }
        list.RemoveAll(c => c.Id == channel.Id);
        list.Add(channel);
        list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
    }

    private void RemoveChannel(string workspaceId, string channelId)
    {
        if (_channels.TryGetValue(workspaceId, out var list))
        {
            list.RemoveAll(c => c.Id == channelId);
        }
        _timelines.Remove(channelId);
        if (_channelId == channelId)
        {
            _channelId = null;
            CloseThread();
        }
    }
}
