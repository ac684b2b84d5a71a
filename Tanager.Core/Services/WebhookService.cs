using System.Security.Cryptography;
using NUlid;
using Tanager.Internal;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// Incoming webhooks: a secret URL that posts into one channel. Each hook posts as a bot user of its own, made with it
/// (its name and avatar are the hook's) and a member of the workspace and the channel, so its messages go through the
/// same rules, events, history and search as anyone's. People who may manage the channel (manage_channels) create, list
/// and delete its hooks. The token is shown once and only its SHA-256 is kept.
/// </summary>
public sealed class WebhookService(
    IWebhookStore webhooks, IUserStore users, IWorkspaceStore workspaces, IChannelStore channels, MessageService messages,
    EventDispatcher events, AuditLog audit, TimeProvider time)
{
    /// <summary>Hooks one channel may have: enough for every system that reports into it, few enough to review.</summary>
    public const int MaxPerChannel = 20;

    /// <summary>Creates a hook; the token in the result exists nowhere else.</summary>
    public async Task<(IncomingWebhook Webhook, User Bot, string Token)> CreateAsync(Caller caller, Ulid workspaceId, Ulid channelId, string? name, string? avatarUrl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var visible = await ManagedChannelAsync(caller, workspaceId, channelId, cancellationToken);
        Access.EnsureNotArchived(visible.Channel);
        var validName = Validate.Text(name, "name", Validate.MaxDisplayNameLength);
        var validAvatar = Validate.AvatarUrl(avatarUrl) is { Length: > 0 } avatar ? avatar : null;
        if ((await webhooks.ListIncomingWebhooksAsync(workspaceId, channelId, cancellationToken)).Count >= MaxPerChannel)
        {
            throw TanagerException.Conflict(ErrorCodes.Conflict, $"A channel has at most {MaxPerChannel} webhooks: delete one first.");
        }
        var now = time.UtcNow();
        var botId = Ulid.NewUlid(now);
        // The hook's author: a bot with no token and no password, so nothing but the hook's URL can act as it.
        var bot = new User(botId, $"{botId}@webhooks.tanager.invalid", validName, "", now, now) { Kind = UserKind.Bot, OwnerId = caller.UserId, AvatarUrl = validAvatar };
        if (!await users.TryCreateAsync(bot, cancellationToken))
        {
            throw TanagerException.Conflict(ErrorCodes.Conflict, "The webhook could not be created.");
        }
        var workspaceMember = new WorkspaceMember(workspaceId, botId, WorkspaceRole.Member, now);
        await workspaces.TryAddMemberAsync(workspaceMember, cancellationToken);
        await events.PublishAsync(Membership.Joined(workspaceMember), workspaceMember.ToDto(bot), TanagerJsonContext.Default.WorkspaceMemberDto, cancellationToken);
        var channelMember = new ChannelMember(workspaceId, channelId, botId, now);
        await channels.TryAddMemberAsync(channelMember, cancellationToken);
        await events.PublishAsync(Membership.Joined(channelMember), channelMember.ToDto(), TanagerJsonContext.Default.ChannelMemberDto, cancellationToken);

        var token = Credentials.NewSecret(Credentials.WebhookPrefix);
        var webhook = new IncomingWebhook(Ulid.NewUlid(now), workspaceId, channelId, botId, validName, Credentials.Hash(token), caller.UserId, now);
        await webhooks.CreateIncomingWebhookAsync(webhook, cancellationToken);
        await audit.RecordAsync(AuditEventKinds.WebhookCreated, caller, botId, $"incoming webhook {webhook.Id} ({validName}) in channel {channelId}", cancellationToken);
        return (webhook, bot, token);
    }

    /// <summary>A channel's hooks with their bots, oldest first; for those who may manage the channel.</summary>
    public async Task<IReadOnlyList<(IncomingWebhook Webhook, User? Bot)>> ListAsync(Caller caller, Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await ManagedChannelAsync(caller, workspaceId, channelId, cancellationToken);
        var hooks = await webhooks.ListIncomingWebhooksAsync(workspaceId, channelId, cancellationToken);
        var result = new List<(IncomingWebhook, User?)>(hooks.Count);
        foreach (var hook in hooks)
        {
            result.Add((hook, await users.GetAsync(hook.BotUserId, cancellationToken)));
        }
        return result;
    }

    /// <summary>Deletes a hook: its URL answers 404 from now on; its bot is deactivated and its messages stay.</summary>
    public async Task DeleteAsync(Caller caller, Ulid workspaceId, Ulid channelId, Ulid webhookId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await ManagedChannelAsync(caller, workspaceId, channelId, cancellationToken);
        var hook = await webhooks.GetIncomingWebhookAsync(webhookId, cancellationToken);
        if (hook is null || hook.WorkspaceId != workspaceId || hook.ChannelId != channelId || !await webhooks.DeleteIncomingWebhookAsync(webhookId, cancellationToken))
        {
            throw TanagerException.NotFound("Webhook");
        }
        if (await users.GetAsync(hook.BotUserId, cancellationToken) is { } bot)
        {
            await users.UpdateAccountAsync(bot with { DeactivatedAt = time.UtcNow(), UpdatedAt = time.UtcNow() }, cancellationToken);
        }
        await audit.RecordAsync(AuditEventKinds.WebhookDeleted, caller, hook.BotUserId, $"incoming webhook {hook.Id} ({hook.Name}) in channel {channelId}", cancellationToken);
    }

    /// <summary>
    /// Posts through a hook, named by its id and token (from its URL). An unknown id, a wrong token and a deleted hook are
    /// all 404, alike. The message is the hook's bot's, posted as any member posts (with a nonce, a retry is idempotent).
    /// </summary>
    public async Task<Message> PostAsync(string? webhookId, string? token, string? content, string? nonce, CancellationToken cancellationToken = default)
    {
        var hook = await FindAsync(webhookId, token, cancellationToken) ?? throw TanagerException.NotFound("Webhook");
        if (await users.GetAsync(hook.BotUserId, cancellationToken) is not { DeactivatedAt: null })
        {
            throw TanagerException.NotFound("Webhook");
        }
        return await messages.PostAsync(hook.BotUserId, hook.WorkspaceId, hook.ChannelId, content, nonce, cancellationToken: cancellationToken);
    }

    private async Task<IncomingWebhook?> FindAsync(string? webhookId, string? token, CancellationToken cancellationToken)
    {
        if (webhookId is null || !Ulid.TryParse(webhookId, out var id) || token is null || token.Length > 128
            || !token.StartsWith(Credentials.WebhookPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var hook = await webhooks.GetIncomingWebhookAsync(id, cancellationToken);
        // Compared in constant time: the time to refuse says nothing about how much of a guessed token was right.
        return hook is not null && CryptographicOperations.FixedTimeEquals(hook.TokenHash, Credentials.Hash(token)) ? hook : null;
    }

    private async Task<VisibleChannel> ManagedChannelAsync(Caller caller, Ulid workspaceId, Ulid channelId, CancellationToken cancellationToken)
    {
        Scope.Demand(Scope.ChannelsManage);
        var visible = await Access.VisibleChannelAsync(channels, workspaceId, channelId, caller.UserId, cancellationToken);
        Access.EnsureNotDirectMessage(visible.Channel, "Webhooks post into channels, not direct messages.");
        Access.EnsurePermission(visible, Permission.ManageChannels, "manage webhooks");
        return visible;
    }
}
