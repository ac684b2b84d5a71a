using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tanager.AspNetCore.Internal.OpenApi;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

/// <summary>Incoming webhooks: managed by those who manage a channel; posted to anonymously, by the secret in the URL.</summary>
internal static class WebhookEndpoints
{
    private const string Hooks = "/workspaces/{workspaceId}/channels/{channelId}/webhooks";

    public static void Map(RouteGroupBuilder api, string prefix)
    {
        api.MapPost(Hooks, async (string workspaceId, string channelId, HttpContext context, WebhookService webhooks) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.CreateWebhookRequest);
            var (hook, bot, token) = await webhooks.CreateAsync(context.Caller(), Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), body.Name, body.AvatarUrl, context.RequestAborted);
            var request = context.Request;
            var url = $"{request.Scheme}://{request.Host}{request.PathBase}{prefix}/api/v1/webhooks/{hook.Id}/{token}";
            return TypedResults.Json(ToDto(hook, bot) with { Url = url, Token = token }, TanagerJsonContext.Default.IncomingWebhookDto, statusCode: StatusCodes.Status201Created);
        })
            .Describe("createWebhook", "Create an incoming webhook", "Answers the hook with its URL, which holds its secret (shown only here). Needs manage_channels.").Body<CreateWebhookRequest>().Produces<IncomingWebhookDto>(StatusCodes.Status201Created);

        api.MapGet(Hooks, async (string workspaceId, string channelId, HttpContext context, WebhookService webhooks) =>
        {
            var hooks = await webhooks.ListAsync(context.Caller(), Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), context.RequestAborted);
            IReadOnlyList<IncomingWebhookDto> dtos = [.. hooks.Select(h => ToDto(h.Webhook, h.Bot))];
            return TypedResults.Json(dtos, TanagerJsonContext.Default.IReadOnlyListIncomingWebhookDto);
        })
            .Describe("listWebhooks", "List incoming webhooks").Produces<IReadOnlyList<IncomingWebhookDto>>();

        api.MapDelete(Hooks + "/{webhookId}", async (string workspaceId, string channelId, string webhookId, HttpContext context, WebhookService webhooks) =>
        {
            await webhooks.DeleteAsync(context.Caller(), Ids.Parse(workspaceId, "Workspace"), Ids.Parse(channelId, "Channel"), Ids.Parse(webhookId, "Webhook"), context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("deleteWebhook", "Delete an incoming webhook").Empty();
    }

    /// <summary>The hook's own URL: no bearer token, the secret is the last segment. Throttled per hook.</summary>
    public static void MapAnonymous(RouteGroupBuilder api, RequestThrottle throttle)
    {
        api.MapPost("/webhooks/{webhookId}/{token}", async Task<IResult> (string webhookId, string token, HttpContext context, WebhookService webhooks) =>
        {
            if (throttle.WebhookPost(webhookId) is { } wait)
            {
                return RequestThrottle.Refuse(context, wait, "posts through this webhook");
            }
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.WebhookMessageRequest);
            var message = await webhooks.PostAsync(webhookId, token, body.Content, body.Nonce, context.RequestAborted);
            return TypedResults.Json(message.ToDto(), TanagerJsonContext.Default.MessageDto, statusCode: StatusCodes.Status201Created);
        })
            .Describe("postThroughWebhook", "Post through a webhook", "No bearer token: the secret is the last segment of the URL. Throttled per hook.").Body<WebhookMessageRequest>().Produces<MessageDto>(StatusCodes.Status201Created);
    }

    private static IncomingWebhookDto ToDto(IncomingWebhook hook, User? bot) => new()
    {
        Id = hook.Id.ToString(),
        WorkspaceId = hook.WorkspaceId.ToString(),
        ChannelId = hook.ChannelId.ToString(),
        Name = bot?.DisplayName ?? hook.Name,
        AvatarUrl = bot?.AvatarUrl,
        BotUserId = hook.BotUserId.ToString(),
        CreatedBy = hook.CreatedBy.ToString(),
        CreatedAt = hook.CreatedAt,
    };
}
