using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tanager.AspNetCore.Internal.OpenApi;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

/// <summary>The caller's notification preferences and push subscriptions, and the unsubscribe link of notification emails (no sign-in: the signed token is the credential).</summary>
internal static class NotificationEndpoints
{
    private const string Unsubscribe = "/notifications/unsubscribe";
    private const string PushSubscriptions = "/users/me/web-push-subscriptions";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/users/me/notification-preferences", async (HttpContext context, NotificationService notifications) =>
        {
            var preferences = await notifications.GetPreferencesAsync(context.Caller().UserId, context.RequestAborted);
            return TypedResults.Json(preferences.ToDto(), TanagerJsonContext.Default.NotificationPreferencesDto);
        })
            .Describe("getNotificationPreferences", "Notification preferences", "Which unread messages are emailed while the caller is away, and the channels they muted.")
            .Produces<NotificationPreferencesDto>();

        api.MapPut("/users/me/notification-preferences", async (HttpContext context, NotificationService notifications) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.NotificationPreferencesDto);
            var preferences = await notifications.SetPreferencesAsync(context.Caller().UserId, body.Email, body.MutedChannels, body.QuietHours, context.RequestAborted);
            return TypedResults.Json(preferences.ToDto(), TanagerJsonContext.Default.NotificationPreferencesDto);
        })
            .Describe("setNotificationPreferences", "Change notification preferences", "email: all, mentions (mentions and direct messages) or none; muted_channels replaces the list; quiet_hours sets the daily window without email ({} removes it). Absent fields stay as they are.")
            .Body<NotificationPreferencesDto>().Produces<NotificationPreferencesDto>();

        MapWebPush(api);
    }

    private static void MapWebPush(RouteGroupBuilder api)
    {
        api.MapGet("/notifications/web-push-key", async (HttpContext context, WebPushService push) =>
            TypedResults.Json(new WebPushKeyDto { PublicKey = await push.GetPublicKeyAsync(context.RequestAborted) }, TanagerJsonContext.Default.WebPushKeyDto))
            .Describe("getWebPushKey", "Web Push key", "The server's VAPID public key, for PushManager.subscribe's applicationServerKey. 404 when Web Push is off.")
            .Produces<WebPushKeyDto>();

        api.MapPost(PushSubscriptions, async (HttpContext context, WebPushService push) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.WebPushSubscribeRequest);
            var saved = await push.SubscribeAsync(context.Caller(), body.Endpoint, body.Keys?.P256dh, body.Keys?.Auth, context.RequestAborted);
            return TypedResults.Json(saved.ToDto(), TanagerJsonContext.Default.WebPushSubscriptionDto, statusCode: StatusCodes.Status201Created);
        })
            .Describe("subscribeWebPush", "Subscribe a browser to push notifications",
                "People only (a bot token is refused). The body is PushSubscription.toJSON()'s endpoint and keys. Mentions and direct messages the caller has not read while away are pushed there. The same endpoint again replaces it; past the per-person limit the oldest goes.")
            .Body<WebPushSubscribeRequest>().Produces<WebPushSubscriptionDto>(StatusCodes.Status201Created);

        api.MapGet(PushSubscriptions, async (HttpContext context, WebPushService push) =>
        {
            var subscriptions = await push.ListAsync(context.Caller(), context.RequestAborted);
            IReadOnlyList<WebPushSubscriptionDto> dtos = [.. subscriptions.Select(s => s.ToDto())];
            return TypedResults.Json(dtos, TanagerJsonContext.Default.IReadOnlyListWebPushSubscriptionDto);
        })
            .Describe("listWebPushSubscriptions", "List the caller's push subscriptions").Produces<IReadOnlyList<WebPushSubscriptionDto>>();

        api.MapDelete(PushSubscriptions + "/{pushSubscriptionId}", async (string pushSubscriptionId, HttpContext context, WebPushService push) =>
        {
            await push.UnsubscribeAsync(context.Caller(), Ids.Parse(pushSubscriptionId, "Push subscription"), context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("unsubscribeWebPush", "Remove a push subscription").Empty();
    }

    /// <summary>
    /// The link in every notification email. GET shows a page with one button (link scanners that follow links do not
    /// unsubscribe anyone); POST turns email notifications off, which is also what a mail reader's own unsubscribe button
    /// does (RFC 8058 One-Click, from the List-Unsubscribe-Post header).
    /// </summary>
    public static void MapAnonymous(RouteGroupBuilder api)
    {
        api.MapGet(Unsubscribe, async (HttpContext context, NotificationService notifications) =>
        {
            var token = context.Request.Query["token"].ToString();
            if (!await notifications.IsValidUnsubscribeTokenAsync(token, context.RequestAborted))
            {
                throw new TanagerException(TanagerErrorKind.NotFound, ErrorCodes.NotFound, "Unsubscribe link not found.");
            }
            return Page(context, $"""
                <h1>Stop notification emails?</h1>
                <p>You will no longer get emails about mentions and direct messages you miss. You can turn them on again in your notification preferences.</p>
                <form method="post" action="?token={WebUtility.HtmlEncode(Uri.EscapeDataString(token))}"><button type="submit">Unsubscribe</button></form>
                """);
        })
            .Describe("showUnsubscribe", "Unsubscribe page", "No sign-in: the signed token from a notification email. Shows a button that POSTs to the same URL.")
            .Query("token", QueryType.String, "The token from the email's link.", required: true)
            .Produces(StatusCodes.Status200OK, typeof(string), "text/html");

        api.MapPost(Unsubscribe, async (HttpContext context, NotificationService notifications) =>
        {
            await notifications.UnsubscribeAsync(context.Request.Query["token"].ToString(), context.RequestAborted);
            return Page(context, "<h1>Unsubscribed</h1><p>You will no longer get notification emails.</p>");
        })
            .Describe("unsubscribe", "Unsubscribe from notification emails", "No sign-in: the signed token from a notification email. Sets the email level to none (RFC 8058 one-click).")
            .Query("token", QueryType.String, "The token from the email's link.", required: true)
            .Produces(StatusCodes.Status200OK, typeof(string), "text/html");
    }

    private static IResult Page(HttpContext context, string body)
    {
        // The page runs nothing and loads nothing; its one form posts back here.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; form-action 'self'; frame-ancestors 'none'";
        return TypedResults.Content($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Tanager notifications</title></head>
            <body>{body}</body></html>
            """, "text/html; charset=utf-8");
    }
}
