using Microsoft.AspNetCore.Components;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Web.Internal;

namespace Tanager.Web;

/// <summary>Threads: a side panel with a top-level message, its replies live, and a composer of its own.</summary>
public sealed partial class TanagerChat
{
    private ChannelTimeline? _thread;
    /// <summary>The open thread's top-level message as last seen: shown when the channel's timeline no longer holds it.</summary>
    private MessageDto? _threadParent;
    private string _threadDraft = "";
    private string _threadDraftNonce = Guid.NewGuid().ToString("N");
    private ElementReference _threadComposer;
    private bool _focusThreadComposer;

    /// <summary>The open thread's top-level message, in its newest known state.</summary>
    private MessageDto? ThreadParent => _thread?.ThreadId is { } id ? Timeline?.Find(id) ?? _threadParent : null;

    private async Task OpenThreadAsync(MessageDto parent)
    {
        if (_client is null)
        {
            return;
        }
        var thread = new ChannelTimeline(parent.Id);
        CloseSearch();
        _settingsOpen = false;
        _thread = thread;
        _threadParent = parent;
        _threadDraft = "";
        _reactingTo = null;
        _focusThreadComposer = true;
        await RunAsync(async () =>
        {
            var page = await _client.GetThreadAsync(parent.WorkspaceId, parent.ChannelId, parent.Id, limit: 100, cancellationToken: _disposing.Token);
            foreach (var reply in page.Messages)
            {
                thread.Apply(reply);
            }
            thread.HasOlder = page.HasMore;
            thread.Loaded = true;
        });
    }

    private async Task LoadOlderRepliesAsync()
    {
        if (_client is null || _thread is not { OldestSequence: { } oldest, ThreadId: { } threadId } thread || ThreadParent is not { } parent)
        {
            return;
        }
        await RunAsync(async () =>
        {
            var page = await _client.GetThreadAsync(parent.WorkspaceId, parent.ChannelId, threadId, before: oldest, limit: 100, cancellationToken: _disposing.Token);
            foreach (var reply in page.Messages)
            {
                thread.Apply(reply);
            }
            thread.HasOlder = page.HasMore;
        });
    }

    private void CloseThread()
    {
        _thread = null;
        _threadParent = null;
        _threadDraft = "";
    }

    private async Task SendReplyAsync()
    {
        var content = _threadDraft.Trim();
        if (_client is null || content.Length == 0 || ThreadParent is not { } parent || _thread is not { } thread)
        {
            return;
        }
        var nonce = _threadDraftNonce;
        _threadDraft = "";
        _error = null;
        try
        {
            thread.Apply(await _client.ReplyAsync(parent.WorkspaceId, parent.ChannelId, parent.Id, content, nonce, _disposing.Token));
            _threadDraftNonce = Guid.NewGuid().ToString("N");
        }
        catch (Exception exception) when (exception is HttpRequestException or TanagerApiException)
        {
            if (_threadDraft.Length == 0)
            {
                _threadDraft = content;
            }
            _error = exception is TanagerApiException api ? $"Reply not sent: {api.Message}" : "Reply not sent: the server could not be reached. Press Enter to try again.";
        }
    }

    /// <summary>A message as the server now has it, applied wherever the page shows it: the channel, the open thread, its parent.</summary>
    private void ApplyEverywhere(MessageDto message)
    {
        if (_timelines.TryGetValue(message.ChannelId, out var timeline))
        {
            timeline.Apply(message);
        }
        _thread?.Apply(message);
        if (_threadParent?.Id == message.Id)
        {
            if (message.DeletedAt is not null)
            {
                CloseThread();
            }
            else if (message.ChangeSequence >= _threadParent.ChangeSequence)
            {
                _threadParent = message;
            }
        }
    }

    /// <summary>A live reply created or deleted: its parent's count follows, where the channel's timeline holds the parent.</summary>
    private void CountReply(MessageDto reply)
    {
        if (reply.ThreadId is not null && _timelines.TryGetValue(reply.ChannelId, out var timeline))
        {
            timeline.CountReply(reply);
        }
    }

    private static string Replies(int count) => count == 1 ? "1 reply" : $"{count} replies";
}
