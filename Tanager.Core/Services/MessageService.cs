using NUlid;
using Tanager.Internal;

namespace Tanager;

/// <summary>Posting and reading messages.</summary>
public sealed class MessageService(IWorkspaceStore workspaces, IChannelStore channels, IMessageStore messages, ISearchStore search, SendPipeline sends, TimeProvider time)
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 50;

    /// <summary>Posts a message. With a <paramref name="nonce"/>, a retry returns the message the first attempt created.</summary>
    public async Task<Message> PostAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, string? content, string? nonce = null, CancellationToken cancellationToken = default)
    {
        var validContent = Validate.MessageContent(content);
        var validNonce = Validate.Nonce(nonce);
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        Access.EnsureNotArchived(visible.Channel);
        if (!Permissions.CanPost(visible.IsMember))
        {
            throw TanagerException.Forbidden("Join the channel to post in it.");
        }
        var now = time.UtcNow();
        var draft = new NewMessage(workspaceId, channelId, Ulid.NewUlid(now), callerId, validContent, ThreadId: null, now, validNonce);
        return await sends.SendAsync(draft, cancellationToken);
    }

    public async Task<MessageSlice> ListAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, long? before, long? after, int? limit, CancellationToken cancellationToken = default)
    {
        var query = new HistoryQuery(
            before is null ? null : Validate.Sequence(before, "before"),
            after is null ? null : Validate.Sequence(after, "after"),
            Validate.Limit(limit, DefaultPageSize, MaxPageSize));
        if (query.Before is not null && query.After is not null)
        {
            throw TanagerException.Invalid("Give before or after, not both.");
        }
        await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        return await messages.ListAsync(workspaceId, channelId, query, cancellationToken);
    }

    /// <summary>The current state of every message changed after sequence <paramref name="since"/>, in change order.</summary>
    public async Task<MessageSlice> ListChangesAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, long? since, int? limit, CancellationToken cancellationToken = default)
    {
        var validSince = Validate.Sequence(since, "since");
        var validLimit = Validate.Limit(limit, MaxPageSize, MaxPageSize);
        await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        return await messages.ListChangesAsync(workspaceId, channelId, validSince, validLimit, cancellationToken);
    }

    public const int MaxSearchResults = 100;

    /// <summary>Messages matching <paramref name="query"/> in the channels of the workspace the caller may read, best first.</summary>
    public async Task<IReadOnlyList<Message>> SearchAsync(Ulid callerId, Ulid workspaceId, string? query, int? limit, CancellationToken cancellationToken = default)
    {
        var validQuery = Validate.Text(query, "q", Validate.MaxSearchQueryLength);
        var validLimit = Validate.Limit(limit, 20, MaxSearchResults);
        var member = await Access.WorkspaceMemberAsync(workspaces, workspaceId, callerId, cancellationToken);
        var memberships = await channels.ListMembershipsAsync(workspaceId, callerId, cancellationToken);
        var readable = (await channels.ListAsync(workspaceId, cancellationToken))
            .Where(c => Permissions.CanSeeChannel(member.Role, c, memberships.Contains(c.Id)))
            .Select(c => c.Id)
            .ToList();
        return readable.Count == 0 ? [] : await search.SearchAsync(workspaceId, readable, validQuery, validLimit, cancellationToken);
    }
}
