using Tanager.Client;
using Tanager.Protocol;
using Tanager.Web.Internal;

namespace Tanager.Web;

/// <summary>What the person does: switch workspace and channel, read history, send, edit, delete, react, create, invite, join.</summary>
public sealed partial class TanagerChat
{
    /// <summary>A page of history: enough to fill a tall window, small enough to arrive at once (the API allows 100).</summary>
    private const int PageSize = 50;
    private string? _confirmDeleteId;
    /// <summary>Whether the message being edited is edited in the thread panel (a thread's parent shows in both places).</summary>
    private bool _editingInThread;

    private async Task SelectWorkspaceAsync(string workspaceId)
    {
        if (_client is null)
        {
            return;
        }
        _workspaceId = workspaceId;
        _channelId = null;
        _form = Form.None;
        CloseThread();
        CloseSearch();
        await RunAsync(async () =>
        {
            RememberMembers(workspaceId, await _client.ListWorkspaceMembersAsync(workspaceId, _disposing.Token));
        });
        // A channel first (in name order), else a conversation.
        if (Rooms.Concat(Conversations).FirstOrDefault() is { } first)
        {
            await SelectChannelAsync(first.Id);
        }
    }

    private async Task OnWorkspaceChanged(Microsoft.AspNetCore.Components.ChangeEventArgs e)
    {
        if (e.Value is string id && id.Length > 0)
        {
            await SelectWorkspaceAsync(id);
        }
    }

    private async Task SelectChannelAsync(string channelId)
    {
        if (_client is null || _workspaceId is not { } workspaceId)
        {
            return;
        }
        if (_channelId != channelId)
        {
            CloseThread();
        }
        _channelId = channelId;
        _editingId = null;
        _reactingTo = null;
        _pinsOpen = false;
        _mentionChoices = [];
        _navOpen = false;
        if (!_timelines.TryGetValue(channelId, out var timeline))
        {
            timeline = new ChannelTimeline();
            _timelines[channelId] = timeline;
        }
        if (!timeline.Loaded)
        {
            await RunAsync(async () =>
            {
                var page = await _client.GetMessagesAsync(workspaceId, channelId, limit: PageSize, cancellationToken: _disposing.Token);
                foreach (var message in page.Messages)
                {
                    timeline.Apply(message);
                }
                timeline.HasOlder = page.HasMore;
                timeline.Loaded = true;
            });
        }
        _scrollToEnd = true;
        await MarkReadAsync();
        await CloseChannelNotificationsAsync(channelId);
    }

    /// <summary>The page before the oldest held message; false when there was nothing to load (or it failed, shown as an error).</summary>
    private async Task<bool> LoadOlderAsync()
    {
        if (_client is null || _workspaceId is not { } workspaceId || _channelId is not { } channelId || Timeline is not { OldestSequence: { } oldest, HasOlder: true } timeline)
        {
            return false;
        }
        var loaded = false;
        await RunAsync(async () =>
        {
            var page = await _client.GetMessagesAsync(workspaceId, channelId, before: oldest, limit: PageSize, cancellationToken: _disposing.Token);
            foreach (var message in page.Messages)
            {
                timeline.Apply(message);
            }
            timeline.HasOlder = page.HasMore;
            loaded = page.Messages.Count > 0;
        });
        StateHasChanged();
        return loaded;
    }

    /// <summary>Marks the open channel read up to its newest held message, once per new message (the server tells our other tabs).</summary>
    private async Task MarkReadAsync()
    {
        if (_client is null || _workspaceId is not { } workspaceId || _channelId is not { } channelId || Timeline is not { NewestSequence: > 0 } timeline)
        {
            return;
        }
        var newest = timeline.NewestSequence;
        if (_markedRead.TryGetValue(channelId, out var marked) && marked >= newest)
        {
            return;
        }
        _markedRead[channelId] = newest;
        UpdateChannel(workspaceId, channelId, c => c with { UnreadCount = 0, MentionCount = 0, LastReadSequence = newest });
        try
        {
            await _client.MarkReadAsync(workspaceId, channelId, newest, _disposing.Token);
        }
        catch (Exception exception) when (exception is HttpRequestException or TanagerApiException)
        {
            // Read state is a convenience: the next message marks it again.
            _markedRead.Remove(channelId);
        }
    }

    private async Task SendAsync()
    {
        var typed = _draft.Trim();
        var content = WithMentions(typed);
        if (_client is null || _workspaceId is not { } workspaceId || _channelId is not { } channelId)
        {
            return;
        }
        if (Uploading)
        {
            _error = "Not sent yet: wait for the uploads to finish.";
            return;
        }
        var attachments = ReadyAttachments(channelId);
        if (content.Length == 0 && attachments.Count == 0)
        {
            return;
        }
        // The nonce belongs to this draft until the server has it: a retry after a failure cannot post it twice.
        var nonce = _draftNonce;
        _draft = "";
        _error = null;
        try
        {
            var message = attachments.Count > 0
                ? await _client.PostMessageAsync(workspaceId, channelId, content, attachments, nonce, _disposing.Token)
                : await _client.PostMessageAsync(workspaceId, channelId, content, nonce, _disposing.Token);
            _draftNonce = Guid.NewGuid().ToString("N");
            _mentioned.Clear();
            ClearSentUploads(channelId);
            if (_timelines.TryGetValue(channelId, out var timeline))
            {
                timeline.Apply(message);
            }
            _scrollToEnd = true;
            await MarkReadAsync();
        }
        catch (Exception exception) when (exception is HttpRequestException or TanagerApiException)
        {
            if (_draft.Length == 0)
            {
                _draft = typed;
            }
            _error = exception is TanagerApiException api ? $"Not sent: {api.Message}" : "Not sent: the server could not be reached. Press Enter to try again.";
        }
    }

    private void StartEdit(MessageDto message, bool inThread)
    {
        _editingId = message.Id;
        _editingInThread = inThread;
        _editText = message.Content;
        _confirmDeleteId = null;
    }

    private async Task SaveEditAsync(MessageDto message)
    {
        var content = _editText.Trim();
        if (_client is null || content.Length == 0)
        {
            return;
        }
        if (content == message.Content)
        {
            _editingId = null;
            return;
        }
        await RunAsync(async () =>
        {
            var edited = await _client.EditMessageAsync(message.WorkspaceId, message.ChannelId, message.Id, content, _disposing.Token);
            ApplyEverywhere(edited);
            _editingId = null;
        });
    }

    private async Task DeleteAsync(MessageDto message)
    {
        if (_client is null)
        {
            return;
        }
        _confirmDeleteId = null;
        await RunAsync(async () =>
        {
            var tombstone = await _client.DeleteMessageAsync(message.WorkspaceId, message.ChannelId, message.Id, _disposing.Token);
            ApplyEverywhere(tombstone);
        });
    }

    private string _emojiFilter = "";

    private async Task ToggleReactionAsync(MessageDto message, string emoji)
    {
        if (_client is null)
        {
            return;
        }
        _reactingTo = null;
        _emojiFilter = "";
        var mine = message.Reactions?.FirstOrDefault(r => r.Emoji == emoji) is { } reaction && (reaction.Me == true || reaction.Users.Contains(_me?.Id ?? ""));
        await RunAsync(async () =>
        {
            var changed = mine
                ? await _client.RemoveReactionAsync(message.WorkspaceId, message.ChannelId, message.Id, emoji, _disposing.Token)
                : await _client.AddReactionAsync(message.WorkspaceId, message.ChannelId, message.Id, emoji, _disposing.Token);
            ApplyEverywhere(changed);
        });
    }

    private async Task OpenFormAsync(Form form)
    {
        _form = _form == form ? Form.None : form;
        _formValue = "";
        _error = null;
        if (_form == Form.Browse && _client is not null && _workspaceId is { } workspaceId)
        {
            await RunAsync(async () => _browsable = [.. (await _client.ListChannelsAsync(workspaceId, _disposing.Token))
                .Where(c => c.IsMember != true && c.Kind == "public" && c.ArchivedAt is null).OrderBy(c => c.Name, StringComparer.Ordinal)]);
        }
    }

    private async Task SubmitFormAsync()
    {
        var value = _formValue.Trim();
        if (_client is null || value.Length == 0)
        {
            return;
        }
        var form = _form;
        await RunAsync(async () =>
        {
            switch (form)
            {
                case Form.Workspace:
                    var workspace = await _client.CreateWorkspaceAsync(value, _disposing.Token);
                    await AddWorkspaceAsync(workspace);
                    await SelectWorkspaceAsync(workspace.Id);
                    break;
                case Form.Channel when _workspaceId is { } workspaceId:
                    var channel = await _client.CreateChannelAsync(workspaceId, value, cancellationToken: _disposing.Token);
                    AddChannel(channel with { IsMember = true });
                    await SelectChannelAsync(channel.Id);
                    break;
                case Form.Invite when _workspaceId is { } workspaceId:
                    await _client.AddWorkspaceMemberAsync(workspaceId, value, cancellationToken: _disposing.Token);
                    _announcement = $"Invitation sent to {value}.";
                    break;
            }
            _form = Form.None;
            _formValue = "";
        });
    }

    private async Task JoinAsync(ChannelDto channel)
    {
        if (_client is null)
        {
            return;
        }
        await RunAsync(async () =>
        {
            await _client.JoinChannelAsync(channel.WorkspaceId, channel.Id, _disposing.Token);
            AddChannel(await _client.GetChannelAsync(channel.WorkspaceId, channel.Id, _disposing.Token));
            _form = Form.None;
            await SelectChannelAsync(channel.Id);
        });
    }

    private async Task AcceptInvitationAsync(InvitationDto invitation)
    {
        if (_client is null)
        {
            return;
        }
        await RunAsync(async () =>
        {
            var workspace = await _client.AcceptInvitationAsync(invitation.Id, _disposing.Token);
            await AddWorkspaceAsync(workspace);
            await RefreshInvitationsAsync();
            await SelectWorkspaceAsync(workspace.Id);
        });
    }

    private async Task RefreshInvitationsAsync()
    {
        if (_client is null)
        {
            return;
        }
        try
        {
            _invitations = await _client.ListInvitationsAsync(_disposing.Token);
        }
        catch (Exception exception) when (exception is HttpRequestException or TanagerApiException)
        {
            _invitations = [];
        }
    }

    /// <summary>A workspace joined or created during this session, with the channels we are a member of.</summary>
    private async Task AddWorkspaceAsync(WorkspaceDto workspace)
    {
        if (_client is null)
        {
            return;
        }
        if (_workspaces.TrueForAll(w => w.Id != workspace.Id))
        {
            _workspaces.Add(workspace);
            _workspaces.Sort((a, b) => StringComparer.CurrentCultureIgnoreCase.Compare(a.Name, b.Name));
        }
        var channels = await _client.ListChannelsAsync(workspace.Id, _disposing.Token);
        _channels[workspace.Id] = [.. channels.Where(c => c.IsMember == true).OrderBy(c => c.Name, StringComparer.Ordinal)];
    }

    /// <summary>Runs an action of the person's, showing its failure instead of losing it.</summary>
    private async Task RunAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (TanagerApiException exception)
        {
            _error = exception.Message;
        }
        catch (HttpRequestException)
        {
            _error = "The server could not be reached. Try again in a moment.";
        }
    }
}
