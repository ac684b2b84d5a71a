using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>Reactions and pins.</summary>
public sealed partial class MessageService
{
    /// <summary>Adds the caller's reaction (idempotent); announced as REACTION_ADD when it is new.</summary>
    public async Task<Message> AddReactionAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, Ulid messageId, string? emoji, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.ReactionsWrite);
        var validEmoji = Emoji.Validate(emoji);
        var message = await ReactableAsync(callerId, workspaceId, channelId, messageId, cancellationToken);
        if (message.DeletedAt is not null)
        {
            throw Deleted();
        }
        if (message.Reactions.Count >= MaxEmojiPerMessage && !message.Reactions.Any(r => r.Emoji == validEmoji))
        {
            throw TanagerException.Invalid($"A message takes at most {MaxEmojiPerMessage} different emoji.");
        }
        var change = await messages.AddReactionAsync(workspaceId, messageId, callerId, validEmoji, time.UtcNow(), cancellationToken) ?? throw TanagerException.NotFound("Message");
        if (change.Message.DeletedAt is not null)
        {
            throw Deleted();
        }
        if (change.Changed)
        {
            await AnnounceAsync(change.Message, GatewayEvents.ReactionAdd, ReactionEvent(change.Message, callerId, validEmoji), TanagerJsonContext.Default.ReactionEventDto);
        }
        return await ForReaderAsync(callerId, change.Message, cancellationToken);
    }

    /// <summary>Removes the caller's reaction (idempotent); announced as REACTION_REMOVE when there was one.</summary>
    public async Task<Message> RemoveReactionAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, Ulid messageId, string? emoji, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.ReactionsWrite);
        var validEmoji = Emoji.Validate(emoji);
        await ReactableAsync(callerId, workspaceId, channelId, messageId, cancellationToken);
        var change = await messages.RemoveReactionAsync(workspaceId, messageId, callerId, validEmoji, cancellationToken) ?? throw TanagerException.NotFound("Message");
        if (change.Changed)
        {
            await AnnounceAsync(change.Message, GatewayEvents.ReactionRemove, ReactionEvent(change.Message, callerId, validEmoji), TanagerJsonContext.Default.ReactionEventDto);
        }
        return await ForReaderAsync(callerId, change.Message, cancellationToken);
    }

    /// <summary>Pins (<paramref name="pin"/>) or unpins a message; needs <see cref="Permission.ManageMessages"/>. Announced as MESSAGE_UPDATE.</summary>
    public async Task<Message> SetPinAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, Ulid messageId, bool pin, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MessagesWrite);
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        var message = await MessageInChannelAsync(workspaceId, channelId, messageId, cancellationToken);
        Access.EnsurePermission(visible, Permission.ManageMessages, "pin messages");
        Access.EnsureNotArchived(visible.Channel);
        if (pin && message.DeletedAt is not null)
        {
            throw Deleted();
        }
        var change = await messages.SetPinAsync(workspaceId, messageId, pin ? callerId : null, time.UtcNow(), cancellationToken) ?? throw TanagerException.NotFound("Message");
        if (pin && change.Message.DeletedAt is not null)
        {
            throw Deleted();
        }
        var pinned = (await attachments.WithAttachmentsAsync(workspaceId, [change.Message], cancellationToken))[0];
        if (change.Changed)
        {
            await AnnounceAsync(pinned, GatewayEvents.MessageUpdate, pinned.ToDto(), TanagerJsonContext.Default.MessageDto);
        }
        return await ForReaderAsync(callerId, pinned, cancellationToken);
    }

    /// <summary>The channel's pinned messages, most recently pinned first.</summary>
    public async Task<IReadOnlyList<Message>> ListPinsAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default)
    {
        Scope.Demand(Scope.MessagesRead);
        await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        return await ForReaderAsync(callerId, workspaceId, await messages.ListPinsAsync(workspaceId, channelId, MaxPins, cancellationToken), cancellationToken);
    }

    /// <summary>Reacting needs channel membership and <see cref="Permission.AddReactions"/> there.</summary>
    private async Task<Message> ReactableAsync(Ulid callerId, Ulid workspaceId, Ulid channelId, Ulid messageId, CancellationToken cancellationToken)
    {
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, callerId, cancellationToken);
        var message = await MessageInChannelAsync(workspaceId, channelId, messageId, cancellationToken);
        if (!visible.IsMember)
        {
            throw TanagerException.Forbidden("Join the channel to react in it.");
        }
        Access.EnsureNotArchived(visible.Channel);
        Access.EnsurePermission(visible, Permission.AddReactions, "react");
        return message;
    }

    /// <summary>The message, when it is in this channel; a message of another channel is "not found" here, like one that does not exist.</summary>
    private static ReactionEventDto ReactionEvent(Message message, Ulid userId, string emoji) => new()
    {
        WorkspaceId = message.WorkspaceId.ToString(),
        ChannelId = message.ChannelId.ToString(),
        MessageId = message.Id.ToString(),
        UserId = userId.ToString(),
        Emoji = emoji,
        ChangeSequence = message.ChangeSequence,
    };
}
