using System.Globalization;
using Tanager.Protocol;

namespace Tanager.Client;

/// <summary>
/// Outgoing webhooks (event subscriptions): a workspace's events POSTed, signed, to a URL. Workspace owners and admins
/// manage all of a workspace's; a bot (with <c>subscriptions:write</c>) manages its own.
/// </summary>
public sealed partial class TanagerClient
{
    /// <summary>
    /// Subscribes <paramref name="url"/> to <paramref name="events"/> (of <paramref name="channelIds"/>, or of every
    /// channel the caller can see). The answer's <see cref="EventSubscriptionDto.Secret"/>, which signs every delivery,
    /// is shown this once.
    /// </summary>
    public Task<EventSubscriptionDto> CreateSubscriptionAsync(string workspaceId, string url, IReadOnlyList<string> events, IReadOnlyList<string>? channelIds = null,
        CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, SubscriptionsPath(workspaceId), new CreateSubscriptionRequest { Url = url, Events = events, ChannelIds = channelIds },
            TanagerJsonContext.Default.CreateSubscriptionRequest, TanagerJsonContext.Default.EventSubscriptionDto, cancellationToken);

    /// <summary>The subscriptions the caller manages, oldest first, without their secrets.</summary>
    public Task<IReadOnlyList<EventSubscriptionDto>> ListSubscriptionsAsync(string workspaceId, CancellationToken cancellationToken = default) =>
        GetAsync(SubscriptionsPath(workspaceId), TanagerJsonContext.Default.IReadOnlyListEventSubscriptionDto, cancellationToken);

    /// <summary>Deletes a subscription with its queued deliveries and dead letters.</summary>
    public Task DeleteSubscriptionAsync(string workspaceId, string subscriptionId, CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Delete, $"{SubscriptionsPath(workspaceId)}/{Escape(subscriptionId)}", null, null, null, cancellationToken);

    /// <summary>A subscription's dead letters (deliveries whose every attempt failed), oldest first, after <paramref name="after"/>.</summary>
    public Task<IReadOnlyList<DeadLetterDto>> ListDeadLettersAsync(string workspaceId, string subscriptionId, string? after = null, int? limit = null,
        CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (after is not null)
        {
            query.Add("after=" + Uri.EscapeDataString(after));
        }
        if (limit is not null)
        {
            query.Add("limit=" + limit.Value.ToString(CultureInfo.InvariantCulture));
        }
        var path = $"{SubscriptionsPath(workspaceId)}/{Escape(subscriptionId)}/dead-letters" + (query.Count == 0 ? "" : "?" + string.Join('&', query));
        return GetAsync(path, TanagerJsonContext.Default.IReadOnlyListDeadLetterDto, cancellationToken);
    }

    /// <summary>Queues dead letters again with fresh attempts (those named, or all); returns how many.</summary>
    public async Task<int> ReplayDeadLettersAsync(string workspaceId, string subscriptionId, IReadOnlyList<string>? deliveryIds = null, CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(HttpMethod.Post, $"{SubscriptionsPath(workspaceId)}/{Escape(subscriptionId)}/dead-letters/replay",
            new ReplayDeadLettersRequest { DeliveryIds = deliveryIds }, TanagerJsonContext.Default.ReplayDeadLettersRequest,
            TanagerJsonContext.Default.ReplayDeadLettersResponse, cancellationToken);
        return answer.Replayed;
    }

    private static string SubscriptionsPath(string workspaceId) => $"workspaces/{Escape(workspaceId)}/subscriptions";
}
