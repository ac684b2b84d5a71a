using System.Net;
using System.Text.Json;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUlid;

namespace Tanager.Internal;

/// <summary>
/// Pushes mentions and direct messages that people who are away have not read within <see cref="WebPushOptions.Delay"/>
/// to every browser they subscribed: one push per person and browser per round, about the newest message and how many
/// more there are. Who is told what is <see cref="NotificationRound"/>'s (as for email, but mentions and direct messages
/// whatever the email level: subscribing a browser is the opt-in). The message is encrypted to the browser (RFC 8291)
/// and signed with the server's VAPID key (RFC 8292) by Lib.Net.Http.WebPush.
/// </summary>
/// <remarks>
/// Progress is its own cursor, claimed with a compare-and-set exactly as <see cref="EmailNotifier"/> does, so a cluster
/// pushes once and a restart never pushes again; a push that fails after the claim is logged, not retried (a
/// notification hours late is noise). A subscription the push service calls gone (404, 410) is deleted.
/// </remarks>
internal sealed class WebPushNotifier(
    INotificationStore store, WebPushService push, NotificationService notifications, IUserStore users, IChannelStore channels,
    IReadStateStore readStates, PresenceTracker presence, IOptions<TanagerOptions> options, TimeProvider time, ILogger<WebPushNotifier> logger) : BackgroundService
{
    /// <summary>Messages one round reads.</summary>
    internal const int RoundSize = 1000;
    /// <summary>Pushes in flight at once: push services answer in tens of milliseconds, but one may be slow.</summary>
    private const int Parallelism = 8;
    /// <summary>How long one push may take before it is given up.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly WebPushOptions _options = options.Value.WebPush;
    private readonly HttpClient _http = WebhookAddress.CreateClient(options.Value.WebPush.AllowPrivateAddresses, "Tanager-WebPush/1");
    private PushServiceClient? _client;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }
        Log.WebPushOn(logger, push.Subject, _options.Delay);
        await NotificationRound.RunAsync(_options.PollInterval, time, RoundSize, RunRoundAsync, exception => Log.WebPushRoundFailed(logger, exception), stoppingToken);
    }

    /// <summary>The push client, signing with the store's VAPID key: made by the first round, inside its error handling (a database that is not up yet fails a round, not the host).</summary>
    private async Task<PushServiceClient> ClientAsync(CancellationToken cancellationToken)
    {
        if (_client is null)
        {
            var keys = await push.KeysAsync(cancellationToken);
            _client = new PushServiceClient(_http)
            {
                DefaultAuthentication = new VapidAuthentication(keys.PublicKey, keys.PrivateKey) { Subject = push.Subject },
                DefaultAuthenticationScheme = VapidAuthenticationScheme.Vapid,
                DefaultTimeToLive = (int)_options.TimeToLive.TotalSeconds,
            };
        }
        return _client;
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    /// <summary>One round; returns how many messages it claimed.</summary>
    internal async Task<int> RunRoundAsync(CancellationToken cancellationToken)
    {
        var state = await push.StateAsync(cancellationToken);
        var dueBefore = EmailNotifier.FirstIdAt(time.GetUtcNow() - _options.Delay);
        if (dueBefore.CompareTo(state.Cursor) <= 0)
        {
            return 0;
        }
        var messages = await store.ListMessagesBetweenAsync(state.Cursor, dueBefore, RoundSize, cancellationToken);
        if (messages.Count == 0)
        {
            return 0;
        }
        var round = new NotificationRound(notifications, users, channels, readStates, presence, time);
        var recipients = await round.CollectAsync(messages, static (_, mentionOrDirect) => mentionOrDirect, cancellationToken);
        var pushes = new List<(WebPushSubscription Subscription, byte[] Payload, Ulid ChannelId)>();
        foreach (var (recipient, items) in recipients)
        {
            var subscriptions = await store.ListWebPushSubscriptionsAsync(recipient.Id, cancellationToken);
            if (subscriptions.Count > 0)
            {
                var payload = Payload(items, round.NameOf);
                pushes.AddRange(subscriptions.Select(s => (s, payload, items[^1].Channel.Id)));
            }
        }
        var client = pushes.Count > 0 ? await ClientAsync(cancellationToken) : null;
        if (!await store.TryAdvanceWebPushCursorAsync(state.Cursor, messages[^1].Id, cancellationToken))
        {
            // Another node claimed these messages first; it pushes.
            return 0;
        }
        await Parallel.ForEachAsync(pushes, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (item, token) => await SendAsync(client!, item.Subscription, item.Payload, item.ChannelId, token));
        return messages.Count;
    }

    private async Task SendAsync(PushServiceClient client, WebPushSubscription subscription, byte[] payload, Ulid channelId, CancellationToken cancellationToken)
    {
        var target = new PushSubscription { Endpoint = subscription.Endpoint };
        target.SetKey(PushEncryptionKeyName.P256DH, Base64UrlEncode(subscription.P256dh));
        target.SetKey(PushEncryptionKeyName.Auth, Base64UrlEncode(subscription.Auth));
        // A newer push about the same channel replaces one the push service still holds for an offline browser.
        var message = new PushMessage(new ByteArrayContent(payload)) { Topic = channelId.ToString(), Urgency = PushMessageUrgency.High };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            await client.RequestPushMessageDeliveryAsync(target, message, timeout.Token);
            Log.WebPushSent(logger, subscription.UserId.ToString(), subscription.Id.ToString());
        }
        catch (PushServiceClientException exception) when (exception.StatusCode is HttpStatusCode.Gone or HttpStatusCode.NotFound)
        {
            await store.DeleteWebPushSubscriptionAsync(subscription.UserId, subscription.Id, cancellationToken);
            Log.WebPushGone(logger, subscription.UserId.ToString(), subscription.Id.ToString(), (int)exception.StatusCode);
        }
        catch (Exception exception) when (exception is PushServiceClientException or HttpRequestException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.WebPushFailed(logger, subscription.UserId.ToString(), subscription.Id.ToString(), exception.Message);
        }
    }

    /// <summary>
    /// What the service worker shows: <c>{"type":"message","title","body","workspace_id","channel_id","message_id","count"}</c>
    /// about the newest of the person's messages this round, with how many there were (docs/integrations.md).
    /// </summary>
    internal static byte[] Payload(List<NotificationEmail.Item> items, Func<Ulid, string> nameOf)
    {
        var newest = items[^1];
        // The email's excerpt (at most 160 characters): a notification shows two or three lines, and a push stays far under 4 KB.
        var title = newest.Channel.Kind == ChannelKind.Direct ? newest.AuthorName : $"{newest.AuthorName} · {NotificationEmail.Where(newest.Channel)}";
        var body = NotificationEmail.Excerpt(newest.Message.Content, nameOf);
        if (items.Count > 1)
        {
            body += items.Count == 2 ? " (and 1 more message)" : $" (and {items.Count - 1} more messages)";
        }
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "message");
            json.WriteString("title", title);
            json.WriteString("body", body);
            json.WriteString("workspace_id", newest.Message.WorkspaceId.ToString());
            json.WriteString("channel_id", newest.Channel.Id.ToString());
            json.WriteString("message_id", newest.Message.Id.ToString());
            json.WriteNumber("count", items.Count);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static string Base64UrlEncode(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
