using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// Posting, reading and changing messages: edits, deletes, reactions, pins and threads. Every change of a message takes
/// the channel's next sequence number in the store and is announced with exactly that number, once.
/// </summary>
public sealed partial class MessageService(
    IWorkspaceStore workspaces,
    IChannelStore channels,
    IMessageStore messages,
    ISearchStore search,
    SendPipeline sends,
    AttachmentService attachments,
    EventDispatcher events,
    TimeProvider time,
    ILogger<MessageService> logger,
    TanagerHooks? hooks = null)
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 50;
    public const int MaxSearchResults = 100;
    /// <summary>How many pins a channel lists: Slack's own limit per channel, generous for a "pinned" panel.</summary>
    public const int MaxPins = 100;
    /// <summary>Distinct emoji per message: keeps a message (and every event that carries it) small; Discord allows 20, Slack 50.</summary>
    public const int MaxEmojiPerMessage = 50;

    /// <summary>
    /// Posts a message, or with <paramref name="threadId"/> a reply in that thread. With a <paramref name="nonce"/>, a
    /// retry returns the message the first attempt created. <paramref name="attachmentIds"/> are the caller's uploads for
    /// this channel (see <see cref="AttachmentService"/>); with them, the content may be empty.
    /// </summary>
    public async Task<Message> PostAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, string? content, string? nonce = null, Ulid? threadId = null, IReadOnlyList<string>? attachmentIds = null, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MessagesWrite);
        var withFiles = attachmentIds is { Count: > 0 };
        var validContent = ValidContent(content, withFiles);
        var validNonce = Validate.Nonce(nonce);
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        Access.EnsureCanPost(visible);
        Access.EnsureCanMentionEveryone(visible, validContent);
        Message? parent = null;
        if (threadId is { } thread)
        {
            parent = await messages.GetAsync(workspaceId, thread, cancellationToken);
            if (parent is null || parent.ChannelId != channelId)
            {
                throw TanagerException.NotFound("Thread");
            }
            if (parent.ThreadId is not null)
            {
                throw TanagerException.Invalid("thread_id must be a top-level message: replies have no threads of their own.");
            }
            if (parent.DeletedAt is not null)
            {
                throw Deleted();
            }
        }
        validContent = await ModerateAsync(new MessageDraft(workspaceId, channelId, callerId, threadId, null, validContent), visible, withFiles, cancellationToken);
        var (files, retried) = await attachments.CheckForPostAsync(callerId, workspaceId, channelId, attachmentIds, validNonce, cancellationToken);
        if (retried is not null)
        {
            return retried;
        }
        var now = time.UtcNow();
        var draft = new NewMessage(workspaceId, channelId, Ulid.NewUlid(now), callerId, validContent, threadId, now, validNonce);
        // Attached before the message is stored, so that it is never seen without its files; released if the store refuses it.
        draft = draft with { Attachments = await attachments.AttachAsync(callerId, workspaceId, channelId, files, draft.Id, cancellationToken) };
        Message message;
        try
        {
            message = await sends.SendAsync(draft, cancellationToken);
        }
        catch when (draft.Attachments.Count > 0)
        {
            await attachments.DetachAsync(workspaceId, draft.Id);
            throw;
        }
        if (message.Id != draft.Id && draft.Attachments.Count > 0)
        {
            // A retry of an earlier send without these files: they go back to being uploads.
            await attachments.DetachAsync(workspaceId, draft.Id);
        }
        else
        {
            attachments.Posted(draft.Attachments);
        }
        if (parent is not null)
        {
            // Replying follows the thread (again, even after an unfollow); the parent's author follows unless they chose otherwise.
            await messages.SetThreadFollowAsync(workspaceId, channelId, parent.Id, callerId, following: true, now, onlyIfUndecided: false, cancellationToken);
            if (parent.AuthorId != callerId)
            {
                await messages.SetThreadFollowAsync(workspaceId, channelId, parent.Id, parent.AuthorId, following: true, now, onlyIfUndecided: true, cancellationToken);
            }
        }
        return message;
    }

    /// <summary>A page of the channel's timeline; without <paramref name="includeReplies"/>, top-level messages only.</summary>
    public async Task<MessageSlice> ListAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, long? before, long? after, int? limit, bool includeReplies = false, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MessagesRead);
        var query = Page(before, after, limit) with { TopLevelOnly = !includeReplies };
        await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        var slice = await messages.ListAsync(workspaceId, channelId, query, cancellationToken);
        return slice with { Messages = await ForReaderAsync(callerId, workspaceId, slice.Messages, cancellationToken) };
    }

    /// <summary>The current state of every message changed after sequence <paramref name="since"/>, in change order.</summary>
    public async Task<MessageSlice> ListChangesAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, long? since, int? limit, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MessagesRead);
        var validSince = Validate.Sequence(since, "since");
        var validLimit = Validate.Limit(limit, MaxPageSize, MaxPageSize);
        await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        var slice = await messages.ListChangesAsync(workspaceId, channelId, validSince, validLimit, cancellationToken);
        return slice with { Messages = await ForReaderAsync(callerId, workspaceId, slice.Messages, cancellationToken) };
    }

    /// <summary>One message of a channel the caller can see.</summary>
    public async Task<Message> GetAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, Ulid messageId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MessagesRead);
        await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        var message = await MessageInChannelAsync(workspaceId, channelId, messageId, cancellationToken);
        return await ForReaderAsync(callerId, message, cancellationToken);
    }

    /// <summary>
    /// The content after the embedding app's before-message hooks (<see cref="TanagerHooks"/>), checked again as any
    /// content is when a hook changed it; a refusal throws <c>message_rejected</c>.
    /// </summary>
    private async ValueTask<string> ModerateAsync(MessageDraft draft, VisibleChannel visible, bool withFiles, CancellationToken cancellationToken)
    {
        if (hooks is not { ChecksMessages: true })
        {
            return draft.Content;
        }
        var original = draft.Content;
        var content = await hooks.CheckMessageAsync(draft, cancellationToken);
        if (content == original)
        {
            return content;
        }
        var valid = ValidContent(content, withFiles);
        Access.EnsureCanMentionEveryone(visible, valid);
        return valid;
    }

    /// <summary>Content as stored: checked, or empty when the message carries files and says nothing.</summary>
    private static string ValidContent(string? content, bool withFiles) =>
        withFiles && string.IsNullOrEmpty(content) ? "" : Validate.MessageContent(content);

    /// <summary>Replaces the content of one's own message; announced as MESSAGE_UPDATE.</summary>
    public async Task<Message> EditAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, Ulid messageId, string? content, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MessagesWrite);
        var validContent = ValidContent(content, withFiles: false);
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        var message = await MessageInChannelAsync(workspaceId, channelId, messageId, cancellationToken);
        if (message.AuthorId != callerId)
        {
            throw TanagerException.Forbidden("Only its author may edit a message.");
        }
        // Editing is posting again: the same membership, archive and send_messages rules.
        Access.EnsureCanPost(visible);
        Access.EnsureCanMentionEveryone(visible, validContent);
        validContent = await ModerateAsync(new MessageDraft(workspaceId, channelId, callerId, null, messageId, validContent), visible, withFiles: false, cancellationToken);
        var change = await messages.EditAsync(workspaceId, messageId, validContent, time.UtcNow(), cancellationToken) ?? throw TanagerException.NotFound("Message");
        if (!change.Changed)
        {
            throw Deleted();
        }
        var edited = (await attachments.WithAttachmentsAsync(workspaceId, [change.Message], cancellationToken))[0];
        await AnnounceAsync(edited, GatewayEvents.MessageUpdate, edited.ToDto(), TanagerJsonContext.Default.MessageDto);
        return await ForReaderAsync(callerId, edited, cancellationToken);
    }

    /// <summary>
    /// Deletes a message softly, leaving a tombstone (announced as MESSAGE_DELETE). Authors delete their own; members
    /// with <see cref="Permission.ManageMessages"/> anyone's. Deleting a tombstone again changes nothing.
    /// </summary>
    public async Task<Message> DeleteAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, Ulid messageId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MessagesWrite);
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        var message = await MessageInChannelAsync(workspaceId, channelId, messageId, cancellationToken);
        if (message.AuthorId != callerId && !Permissions.Has(visible.Role, visible.Channel, Permission.ManageMessages))
        {
            throw TanagerException.Forbidden("Only its author or a moderator may delete a message.");
        }
        var change = await messages.DeleteAsync(workspaceId, messageId, time.UtcNow(), cancellationToken) ?? throw TanagerException.NotFound("Message");
        if (change.Changed)
        {
            await AnnounceAsync(change.Message, GatewayEvents.MessageDelete, change.Message.ToDto(), TanagerJsonContext.Default.MessageDto);
        }
        return change.Message;
    }

    /// <summary>A page of a thread's replies, oldest first (the newest page without bounds).</summary>
    public async Task<MessageSlice> ListThreadAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, Ulid messageId, long? before, long? after, int? limit, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MessagesRead);
        var query = Page(before, after, limit);
        await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        await ThreadParentAsync(workspaceId, channelId, messageId, cancellationToken);
        var slice = await messages.ListThreadAsync(workspaceId, channelId, messageId, query, cancellationToken);
        return slice with { Messages = await ForReaderAsync(callerId, workspaceId, slice.Messages, cancellationToken) };
    }

    /// <summary>Follows or unfollows a thread; the caller's own connections get THREAD_UPDATE.</summary>
    public async Task SetThreadFollowAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, Ulid messageId, bool following, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MessagesWrite);
        await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        await ThreadParentAsync(workspaceId, channelId, messageId, cancellationToken);
        await messages.SetThreadFollowAsync(workspaceId, channelId, messageId, callerId, following, time.UtcNow(), onlyIfUndecided: false, cancellationToken);
        var update = new ThreadFollowDto { WorkspaceId = workspaceId.ToString(), ChannelId = channelId.ToString(), ThreadId = messageId.ToString(), Following = following };
        try
        {
            await events.PublishAsync(EventHeader.ForUser(GatewayEvents.ThreadUpdate, callerId), update, TanagerJsonContext.Default.ThreadFollowDto, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Not a channel change: nothing replays it, but the REST answer and GET …/threads carry the same state.
            Log.ChangeAnnounceFailed(logger, exception, channelId.ToString(), 0, GatewayEvents.ThreadUpdate);
        }
    }

    /// <summary>The threads the caller follows in channels they can still see, latest activity first.</summary>
    public async Task<IReadOnlyList<FollowedThread>> ListFollowedThreadsAsync(Ulid callerId, Ulid workspaceId, int? limit, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MessagesRead);
        var validLimit = Validate.Limit(limit, DefaultPageSize, MaxPageSize);
        List<Ulid> readable = [.. (await ReadableChannelsAsync(callerId, workspaceId, cancellationToken)).Select(c => c.Id)];
        if (readable.Count == 0)
        {
            return [];
        }
        var threads = await messages.ListFollowedThreadsAsync(workspaceId, callerId, readable, validLimit, cancellationToken);
        var parents = await ForReaderAsync(callerId, workspaceId, [.. threads.Select(t => t.Parent)], cancellationToken);
        return [.. threads.Select((t, i) => t with { Parent = parents[i] })];
    }

    /// <summary>
    /// Messages matching <paramref name="query"/> in the channels of the workspace the caller may read: best first with
    /// free text, newest first for a filters-only query. The query's filters (<c>in:#channel</c>, <c>from:@USER_ID</c>,
    /// <c>before:</c>/<c>after:</c> dates, <c>is:thread</c>/<c>is:root</c>) are described in docs/rest.md.
    /// </summary>
    public async Task<IReadOnlyList<Message>> SearchAsync(Ulid callerId, Ulid workspaceId, string? query, int? limit, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MessagesRead);
        var validQuery = Validate.Text(query, "q", Validate.MaxSearchQueryLength);
        var validLimit = Validate.Limit(limit, 20, MaxSearchResults);
        var (parsed, error) = SearchQueryParser.Parse(validQuery);
        if (parsed is null)
        {
            throw TanagerException.Invalid(error ?? "q is not a valid search.");
        }
        IEnumerable<Channel> scope = await ReadableChannelsAsync(callerId, workspaceId, cancellationToken);
        if (parsed.Channels.Count > 0)
        {
            // Only channels the caller may read can be named: an invisible channel's name matches nothing, like a name that does not exist.
            scope = scope.Where(c => parsed.Channels.Contains(c.Name, StringComparer.OrdinalIgnoreCase));
        }
        List<Ulid> channelIds = [.. scope.Select(c => c.Id)];
        if (channelIds.Count == 0 || parsed.After == DateOnly.MaxValue || parsed.Before == DateOnly.MinValue)
        {
            return [];
        }
        var wanted = new MessageSearch(channelIds, parsed.Text, validLimit)
        {
            AuthorIds = parsed.Authors,
            CreatedBefore = parsed.Before is { } before ? new DateTimeOffset(before.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            CreatedOnOrAfter = parsed.After is { } after ? new DateTimeOffset(after.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            Thread = parsed.Thread,
        };
        return await ForReaderAsync(callerId, workspaceId, await search.SearchAsync(workspaceId, wanted, cancellationToken), cancellationToken);
    }

    private async Task<List<Channel>> ReadableChannelsAsync(Ulid callerId, Ulid workspaceId, CancellationToken cancellationToken)
    {
        var member = await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        var memberships = await channels.ListMembershipsAsync(workspaceId, callerId, cancellationToken);
        return [.. (await channels.ListAsync(workspaceId, cancellationToken))
            .Where(c => Permissions.CanSeeChannel(member.Role, c, memberships.Contains(c.Id)))];
    }

    private static HistoryQuery Page(long? before, long? after, int? limit)
    {
        var query = new HistoryQuery(
            before is null ? null : Validate.Sequence(before, "before"),
            after is null ? null : Validate.Sequence(after, "after"),
            Validate.Limit(limit, DefaultPageSize, MaxPageSize));
        if (query.Before is not null && query.After is not null)
        {
            throw TanagerException.Invalid("Give before or after, not both.");
        }
        return query;
    }

    private async Task<Message> MessageInChannelAsync(Ulid workspaceId, Ulid channelId, Ulid messageId, CancellationToken cancellationToken)
    {
        var message = await messages.GetAsync(workspaceId, messageId, cancellationToken);
        return message is not null && message.ChannelId == channelId ? message : throw TanagerException.NotFound("Message");
    }

    private async Task<Message> ThreadParentAsync(Ulid workspaceId, Ulid channelId, Ulid messageId, CancellationToken cancellationToken)
    {
        var message = await MessageInChannelAsync(workspaceId, channelId, messageId, cancellationToken);
        return message.ThreadId is null ? message : throw TanagerException.Invalid("A reply has no thread of its own; use its parent (thread_id).");
    }

    /// <summary>
    /// Publishes one change on the channel's subject, with the change sequence it took. The change is durable already:
    /// if publishing fails, subscribers recover it from the store (the next change shows them the gap; RESUME replays it).
    /// </summary>
    private async Task AnnounceAsync<T>(Message changed, string eventName, T data, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            await events.PublishAsync(EventHeader.ForChannel(eventName, changed.WorkspaceId, changed.ChannelId, changed.ChangeSequence), data, typeInfo, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.ChangeAnnounceFailed(logger, exception, changed.ChannelId.ToString(), changed.ChangeSequence, eventName);
        }
    }

    private static TanagerException Deleted() => TanagerException.Conflict(ErrorCodes.MessageDeleted, "The message was deleted.");

    private async Task<Message> ForReaderAsync(Ulid readerId, Message message, CancellationToken cancellationToken) =>
        (await ForReaderAsync(readerId, message.WorkspaceId, [message], cancellationToken))[0];

    /// <summary>
    /// Fills in attachments, and each reaction's "me" for the reader. The listed users answer it when they are all of
    /// them (up to 25 people); only messages with a longer tail cost a lookup.
    /// </summary>
    private async Task<IReadOnlyList<Message>> ForReaderAsync(Ulid readerId, Ulid workspaceId, IReadOnlyList<Message> list, CancellationToken cancellationToken)
    {
        list = list.Any(m => m.Attachments.Count > 0) ? list : await attachments.WithAttachmentsAsync(workspaceId, list, cancellationToken);
        if (list.All(m => m.Reactions.Count == 0))
        {
            return list;
        }
        var unsure = list.Where(m => m.Reactions.Any(r => r.Count > r.Users.Count && !r.Users.Contains(readerId))).Select(m => m.Id).ToList();
        var own = unsure.Count == 0 ? null : await messages.ListOwnReactionsAsync(workspaceId, unsure, readerId, cancellationToken);
        return [.. list.Select(m => m.Reactions.Count == 0 ? m : m with
        {
            Reactions = [.. m.Reactions.Select(r => r with { Me = r.Users.Contains(readerId) || (own?.Contains((m.Id, r.Emoji)) ?? false) })],
        })];
    }
}
