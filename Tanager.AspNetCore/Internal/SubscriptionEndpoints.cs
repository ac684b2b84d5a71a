using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tanager.AspNetCore.Internal.OpenApi;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

/// <summary>Outgoing webhooks (event subscriptions): managed by workspace owners and admins, or by a bot for itself.</summary>
internal static class SubscriptionEndpoints
{
    private const string Subscriptions = "/workspaces/{workspaceId}/subscriptions";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost(Subscriptions, async (string workspaceId, HttpContext context, EventSubscriptionService subscriptions) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.CreateSubscriptionRequest);
            var (subscription, secret) = await subscriptions.CreateAsync(context.Caller(), Ids.Parse(workspaceId, "Workspace"), body.Url, body.Events, body.ChannelIds, context.RequestAborted);
            return TypedResults.Json(ToDto(subscription) with { Secret = secret }, TanagerJsonContext.Default.EventSubscriptionDto, statusCode: StatusCodes.Status201Created);
        })
            .Describe("createSubscription", "Create an outgoing webhook",
                "Answers the subscription with its signing secret (shown only here). Workspace owners and admins, or a bot for itself; needs subscriptions:write.")
            .Body<CreateSubscriptionRequest>().Produces<EventSubscriptionDto>(StatusCodes.Status201Created);

        api.MapGet(Subscriptions, async (string workspaceId, HttpContext context, EventSubscriptionService subscriptions) =>
        {
            var list = await subscriptions.ListAsync(context.Caller(), Ids.Parse(workspaceId, "Workspace"), context.RequestAborted);
            IReadOnlyList<EventSubscriptionDto> dtos = [.. list.Select(ToDto)];
            return TypedResults.Json(dtos, TanagerJsonContext.Default.IReadOnlyListEventSubscriptionDto);
        })
            .Describe("listSubscriptions", "List outgoing webhooks", "All of the workspace's for an owner or admin; a bot's own for a bot.").Produces<IReadOnlyList<EventSubscriptionDto>>();

        api.MapDelete(Subscriptions + "/{subscriptionId}", async (string workspaceId, string subscriptionId, HttpContext context, EventSubscriptionService subscriptions) =>
        {
            await subscriptions.DeleteAsync(context.Caller(), Ids.Parse(workspaceId, "Workspace"), Ids.Parse(subscriptionId, "Subscription"), context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("deleteSubscription", "Delete an outgoing webhook", "Its queued deliveries and dead letters go with it.").Empty();

        api.MapGet(Subscriptions + "/{subscriptionId}/dead-letters", async (string workspaceId, string subscriptionId, HttpContext context, EventSubscriptionService subscriptions) =>
        {
            var letters = await subscriptions.ListDeadLettersAsync(context.Caller(), Ids.Parse(workspaceId, "Workspace"), Ids.Parse(subscriptionId, "Subscription"),
                context.Request.Query["after"].FirstOrDefault(), context.Request.QueryInt("limit"), context.RequestAborted);
            IReadOnlyList<DeadLetterDto> dtos = [.. letters.Select(ToDto)];
            return TypedResults.Json(dtos, TanagerJsonContext.Default.IReadOnlyListDeadLetterDto);
        })
            .Describe("listDeadLetters", "List an outgoing webhook's dead letters", "Deliveries whose every attempt failed, oldest first.")
            .Query("limit", QueryType.Integer, "How many, 1 to 200 (default 50).")
            .Query("after", QueryType.String, "A delivery id: only later ones (the last id of the previous page).")
            .Produces<IReadOnlyList<DeadLetterDto>>();

        api.MapPost(Subscriptions + "/{subscriptionId}/dead-letters/replay", async (string workspaceId, string subscriptionId, HttpContext context, EventSubscriptionService subscriptions) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.ReplayDeadLettersRequest);
            var count = await subscriptions.ReplayDeadLettersAsync(context.Caller(), Ids.Parse(workspaceId, "Workspace"), Ids.Parse(subscriptionId, "Subscription"), body.DeliveryIds, context.RequestAborted);
            return TypedResults.Json(new ReplayDeadLettersResponse { Replayed = count }, TanagerJsonContext.Default.ReplayDeadLettersResponse);
        })
            .Describe("replayDeadLetters", "Replay dead letters", "Queues them again with fresh attempts, in their original order: those named in delivery_ids, or all.")
            .Body<ReplayDeadLettersRequest>().Produces<ReplayDeadLettersResponse>();
    }

    private static EventSubscriptionDto ToDto(EventSubscription subscription) => new()
    {
        Id = subscription.Id.ToString(),
        WorkspaceId = subscription.WorkspaceId.ToString(),
        OwnerId = subscription.OwnerId.ToString(),
        Url = subscription.Url,
        Events = subscription.Events,
        ChannelIds = [.. subscription.ChannelIds.Select(id => id.ToString())],
        CreatedAt = subscription.CreatedAt,
    };

    private static DeadLetterDto ToDto(EventDelivery delivery)
    {
        using var body = JsonDocument.Parse(delivery.Body);
        return new()
        {
            Id = delivery.Id.ToString(),
            SubscriptionId = delivery.SubscriptionId.ToString(),
            EventType = delivery.EventType,
            Attempts = delivery.Attempts,
            LastError = delivery.LastError,
            CreatedAt = delivery.CreatedAt,
            DeadAt = delivery.DeadAt ?? delivery.CreatedAt,
            Body = body.RootElement.Clone(),
        };
    }
}
