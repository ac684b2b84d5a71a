using System.Globalization;
using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>Message features: one message, edits, deletes, reactions, pins and threads.</summary>
public sealed partial class TanagerClient
{
    /// <summary>
    /// Posts a reply in the thread of <paramref name="threadId"/> (a top-level message of the channel). Retried safely
    /// like <see cref="PostMessageAsync"/>: every send carries a nonce.
    /// </summary>
    public Task<MessageDto> ReplyAsync(string workspaceId, string channelId, string threadId, string content, string? nonce = null, CancellationToken cancellationToken = default)
    {
        var request = new PostMessageRequest { Content = content, Nonce = nonce ?? Guid.NewGuid().ToString("N"), ThreadId = threadId };
        return PostWithRetriesAsync(workspaceId, channelId, request, cancellationToken);
    }

    /// <summary>A page of the channel's history that includes thread replies (<see cref="GetMessagesAsync"/> shows top-level messages only).</summary>
    public Task<MessagePage> GetMessagesWithRepliesAsync(string workspaceId, string channelId, long? before = null, long? after = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var query = Query(("before", before), ("after", after), ("limit", limit));
        return GetAsync($"workspaces/{Escape(workspaceId)}/channels/{Escape(channelId)}/messages{query}{(query.Length == 0 ? "?" : "&")}include_replies=true", TanagerJsonContext.Default.MessagePage, cancellationToken);
    }

    public Task<MessageDto> GetMessageAsync(string workspaceId, string channelId, string messageId, CancellationToken cancellationToken = default) =>
        GetAsync(MessagePath(workspaceId, channelId, messageId), TanagerJsonContext.Default.MessageDto, cancellationToken);

    /// <summary>Replaces the content of one of your messages.</summary>
    public Task<MessageDto> EditMessageAsync(string workspaceId, string channelId, string messageId, string content, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, MessagePath(workspaceId, channelId, messageId), new EditMessageRequest { Content = content }, TanagerJsonContext.Default.EditMessageRequest, TanagerJsonContext.Default.MessageDto, cancellationToken);

    /// <summary>Deletes a message (yours, or anyone's with the manage-messages permission); returns its tombstone.</summary>
    public Task<MessageDto> DeleteMessageAsync(string workspaceId, string channelId, string messageId, CancellationToken cancellationToken = default) =>
        SendAsync<object, MessageDto>(HttpMethod.Delete, MessagePath(workspaceId, channelId, messageId), null, null, TanagerJsonContext.Default.MessageDto, cancellationToken);

    /// <summary>Reacts with a Unicode emoji or a custom short name such as <c>:party_parrot:</c>; reacting twice is the same as once.</summary>
    public Task<MessageDto> AddReactionAsync(string workspaceId, string channelId, string messageId, string emoji, CancellationToken cancellationToken = default) =>
        SendAsync<object, MessageDto>(HttpMethod.Put, $"{MessagePath(workspaceId, channelId, messageId)}/reactions/{Escape(emoji)}", null, null, TanagerJsonContext.Default.MessageDto, cancellationToken);

    public Task<MessageDto> RemoveReactionAsync(string workspaceId, string channelId, string messageId, string emoji, CancellationToken cancellationToken = default) =>
        SendAsync<object, MessageDto>(HttpMethod.Delete, $"{MessagePath(workspaceId, channelId, messageId)}/reactions/{Escape(emoji)}", null, null, TanagerJsonContext.Default.MessageDto, cancellationToken);

    public Task<MessageDto> PinMessageAsync(string workspaceId, string channelId, string messageId, CancellationToken cancellationToken = default) =>
        SendAsync<object, MessageDto>(HttpMethod.Put, $"{MessagePath(workspaceId, channelId, messageId)}/pin", null, null, TanagerJsonContext.Default.MessageDto, cancellationToken);

    public Task<MessageDto> UnpinMessageAsync(string workspaceId, string channelId, string messageId, CancellationToken cancellationToken = default) =>
        SendAsync<object, MessageDto>(HttpMethod.Delete, $"{MessagePath(workspaceId, channelId, messageId)}/pin", null, null, TanagerJsonContext.Default.MessageDto, cancellationToken);

    /// <summary>The channel's pinned messages, most recently pinned first.</summary>
    public Task<IReadOnlyList<MessageDto>> ListPinsAsync(string workspaceId, string channelId, CancellationToken cancellationToken = default) =>
        GetAsync($"workspaces/{Escape(workspaceId)}/channels/{Escape(channelId)}/pins", TanagerJsonContext.Default.IReadOnlyListMessageDto, cancellationToken);

    /// <summary>A page of a thread's replies, oldest first: the newest page, or those before/after a sequence number.</summary>
    public Task<MessagePage> GetThreadAsync(string workspaceId, string channelId, string messageId, long? before = null, long? after = null, int? limit = null, CancellationToken cancellationToken = default) =>
        GetAsync($"{MessagePath(workspaceId, channelId, messageId)}/thread{Query(("before", before), ("after", after), ("limit", limit))}", TanagerJsonContext.Default.MessagePage, cancellationToken);

    public Task FollowThreadAsync(string workspaceId, string channelId, string messageId, CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Put, $"{MessagePath(workspaceId, channelId, messageId)}/follow", null, null, null, cancellationToken);

    public Task UnfollowThreadAsync(string workspaceId, string channelId, string messageId, CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Delete, $"{MessagePath(workspaceId, channelId, messageId)}/follow", null, null, null, cancellationToken);

    /// <summary>The threads you follow in the workspace, latest activity first.</summary>
    public Task<IReadOnlyList<ThreadDto>> ListFollowedThreadsAsync(string workspaceId, int? limit = null, CancellationToken cancellationToken = default) =>
        GetAsync($"workspaces/{Escape(workspaceId)}/threads{(limit is null ? "" : "?limit=" + limit.Value.ToString(CultureInfo.InvariantCulture))}", TanagerJsonContext.Default.IReadOnlyListThreadDto, cancellationToken);

    private static string MessagePath(string workspaceId, string channelId, string messageId) =>
        $"workspaces/{Escape(workspaceId)}/channels/{Escape(channelId)}/messages/{Escape(messageId)}";
}
