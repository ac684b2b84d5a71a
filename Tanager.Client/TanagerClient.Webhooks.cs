using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>Incoming webhooks: secret URLs that post into a channel (the caller must be able to manage the channel).</summary>
public sealed partial class TanagerClient
{
    /// <summary>Creates an incoming webhook; the answer's <see cref="IncomingWebhookDto.Url"/> is shown this once.</summary>
    public Task<IncomingWebhookDto> CreateIncomingWebhookAsync(string workspaceId, string channelId, string name, string? avatarUrl = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, ChannelPath(workspaceId, channelId) + "/webhooks", new CreateWebhookRequest { Name = name, AvatarUrl = avatarUrl },
            TanagerJsonContext.Default.CreateWebhookRequest, TanagerJsonContext.Default.IncomingWebhookDto, cancellationToken);

    /// <summary>The channel's incoming webhooks, oldest first, without their URLs.</summary>
    public Task<IReadOnlyList<IncomingWebhookDto>> ListIncomingWebhooksAsync(string workspaceId, string channelId, CancellationToken cancellationToken = default) =>
        SendAsync<object, IReadOnlyList<IncomingWebhookDto>>(HttpMethod.Get, ChannelPath(workspaceId, channelId) + "/webhooks", null, null,
            TanagerJsonContext.Default.IReadOnlyListIncomingWebhookDto, cancellationToken);

    /// <summary>Deletes an incoming webhook: its URL answers 404 from then on; its messages stay.</summary>
    public Task DeleteIncomingWebhookAsync(string workspaceId, string channelId, string webhookId, CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Delete, $"{ChannelPath(workspaceId, channelId)}/webhooks/{Escape(webhookId)}", null, null, null, cancellationToken);
}
