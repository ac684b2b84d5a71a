using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tanager.Protocol;

namespace Tanager.Internal;

/// <summary>
/// Sends queued deliveries of outgoing webhooks. Each round reads the deliveries that may go now (the first live one of
/// each subscription and channel, so a channel's events go in order), claims each with a conditional update (so of
/// several nodes one sends it), POSTs it signed, and then deletes it, or schedules the next attempt with exponential
/// backoff, or after <see cref="OutgoingWebhookOptions.MaxAttempts"/> moves it to the dead letters.
/// </summary>
/// <remarks>
/// <para>At least once: a node that dies between the receiver's 2xx and the delete sends again after the lease ends;
/// receivers dedupe by the body's <c>id</c>. A clean stop does not: a round that started runs to its end (each request
/// is bounded by <see cref="OutgoingWebhookOptions.RequestTimeout"/>), so no answered delivery stays queued.</para>
/// <para>The signature is HMAC-SHA256, keyed with the subscription's secret, over <c>timestamp + "." + body</c>, sent as
/// <c>Tanager-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c> (docs/integrations.md shows how to check it).</para>
/// <para>It also makes the requests of slash commands routed to a URL (<see cref="PostCommandAsync"/>), which are
/// outgoing webhooks that a member waits for: one HttpClient, one address check (<see cref="WebhookAddress"/> and the
/// connect-time check below) and one signature for every request Core sends to another system.</para>
/// </remarks>
internal sealed class OutgoingWebhookSender : BackgroundService
{
    /// <summary>Deliveries one round reads: many receivers' worth, a small query.</summary>
    internal const int RoundSize = 200;
    /// <summary>Requests in flight at once: receivers are slow (up to the timeout), so a few run side by side.</summary>
    private const int Parallelism = 8;
    /// <summary>Receivers' answers are not read beyond this: only the status matters.</summary>
    private const int MaxErrorLength = 200;
    /// <summary>
    /// The most of a command URL's answer that is read: a reply is at most 4,000 characters, 16 KB of UTF-8 and a
    /// little more once JSON-escaped, so 64 KiB is room to spare; a longer answer is refused, not truncated.
    /// </summary>
    internal const int MaxCommandAnswerBytes = 64 * 1024;

    private readonly IEventSubscriptionStore _store;
    private readonly EventSubscriptionService _subscriptions;
    private readonly OutgoingWebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OutgoingWebhookSender> _logger;
    private readonly HttpClient _http;

    public OutgoingWebhookSender(IEventSubscriptionStore store, EventSubscriptionService subscriptions, IOptions<TanagerOptions> options, TimeProvider time,
        ILogger<OutgoingWebhookSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _subscriptions = subscriptions;
        _options = options.Value.OutgoingWebhooks;
        _time = time;
        _logger = logger;
        _http = WebhookAddress.CreateClient(_options.AllowPrivateAddresses, "Tanager-Webhooks/1");
    }

    internal OutgoingWebhookOptions Options => _options;

    /// <summary>
    /// POSTs a slash command's request (<paramref name="body"/>, a <see cref="CommandRequestDto"/>) to its URL, signed with
    /// its secret, and reads the answer within <see cref="OutgoingWebhookOptions.CommandTimeout"/>. Returns the answer
    /// (null when a 2xx answer had no body), or what went wrong: no answer in time, a status other than 2xx, an answer
    /// that is not a <see cref="CommandAnswerDto"/> or names an unknown visibility. Never retried: the member is waiting.
    /// </summary>
    internal async Task<(CommandAnswerDto? Answer, string? Error)> PostCommandAsync(SlashCommand command, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var started = _time.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.CommandTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, command.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Create(command.Secret, _time.GetUtcNow().ToUnixTimeSeconds(), body));
        request.Headers.Add("Tanager-Command", command.Name);
        string error;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                error = $"HTTP {(int)response.StatusCode}";
            }
            else if (await ReadAtMostAsync(response.Content, MaxCommandAnswerBytes, timeout.Token) is not { } answer)
            {
                error = $"an answer longer than {MaxCommandAnswerBytes / 1024} KiB";
            }
            else
            {
                Log.CommandAnswered(_logger, command.Name, command.WorkspaceId.ToString(), (int)response.StatusCode, _time.GetElapsedTime(started));
                var (parsed, invalid) = ParseAnswer(answer);
                if (invalid is null)
                {
                    return (parsed, null);
                }
                error = invalid;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = $"no answer within {_options.CommandTimeout.TotalSeconds:0.#} s";
        }
        catch (HttpRequestException exception)
        {
            var message = exception.InnerException?.Message ?? exception.Message;
            error = message.Length > MaxErrorLength ? message[..MaxErrorLength] : message;
        }
        CommandFailed(command, error);
        return (null, error);
    }

    /// <summary>Logs a command URL's answer that came to nothing (what the member was told, never the secret or the text).</summary>
    internal void CommandFailed(SlashCommand command, string error) => Log.CommandFailed(_logger, command.Name, command.WorkspaceId.ToString(), error);

    private static (CommandAnswerDto? Answer, string? Error) ParseAnswer(byte[] answer)
    {
        if (answer.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return (null, null);
        }
        CommandAnswerDto? parsed;
        try
        {
            parsed = System.Text.Json.JsonSerializer.Deserialize(answer, TanagerJsonContext.Default.CommandAnswerDto);
        }
        catch (System.Text.Json.JsonException)
        {
            return (null, "an answer that is not JSON of the form {\"text\":…,\"visibility\":…}");
        }
        if (parsed is null)
        {
            return (null, "an answer that is not JSON of the form {\"text\":…,\"visibility\":…}");
        }
        if (parsed.Visibility is not (null or "ephemeral" or "channel"))
        {
            return (null, "an answer whose visibility is neither \"ephemeral\" nor \"channel\"");
        }
        return (parsed, null);
    }

    /// <summary>The content's bytes, or null when there are more than <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadAtMostAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit)
        {
            return null;
        }
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wakeups = _subscriptions.Wakeups;
        try
        {
            // Messages a stopped node committed and never queued: before anything else, so they keep their channel's order.
            await _subscriptions.RecoverAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.WebhookRoundFailed(_logger, exception);
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                handled = await RunRoundAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.WebhookRoundFailed(_logger, exception);
            }
            if (handled > 0)
            {
                continue;
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(_options.PollInterval);
            try
            {
                if (await wakeups.WaitToReadAsync(wait.Token))
                {
                    wakeups.TryRead(out _);
                }
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The poll interval passed: look anyway (another node's events, retries that became due).
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round; returns how many deliveries it claimed.</summary>
    internal async Task<int> RunRoundAsync(CancellationToken stoppingToken)
    {
        var due = await _store.ListDueDeliveriesAsync(_time.GetUtcNow(), RoundSize, stoppingToken);
        if (due.Count == 0)
        {
            return 0;
        }
        var claimed = 0;
        // Once begun, a round finishes even when the host stops: a request the receiver answered must not stay queued.
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (delivery, _) =>
        {
            if (await SendAsync(delivery))
            {
                Interlocked.Increment(ref claimed);
            }
        });
        return claimed;
    }

    private async Task<bool> SendAsync(EventDelivery delivery)
    {
        var now = _time.GetUtcNow();
        // Longer than a request may take, so a lease ends only when its node is gone.
        var lease = now + _options.RequestTimeout + _options.RequestTimeout;
        if (!await _store.TryClaimDeliveryAsync(delivery.WorkspaceId, delivery.Id, delivery.Attempts, now, lease, CancellationToken.None))
        {
            return false;
        }
        var attempt = delivery.Attempts + 1;
        var subscription = await _store.GetEventSubscriptionAsync(delivery.WorkspaceId, delivery.SubscriptionId, CancellationToken.None);
        if (subscription is null)
        {
            await _store.CompleteDeliveryAsync(delivery.WorkspaceId, delivery.Id, CancellationToken.None);
            return true;
        }
        var error = await PostAsync(subscription, delivery);
        if (error is null)
        {
            await _store.CompleteDeliveryAsync(delivery.WorkspaceId, delivery.Id, CancellationToken.None);
            Log.WebhookDelivered(_logger, delivery.Id.ToString(), delivery.EventType, subscription.Id.ToString(), attempt);
        }
        else if (attempt >= _options.MaxAttempts)
        {
            await _store.DeadLetterDeliveryAsync(delivery.WorkspaceId, delivery.Id, _time.GetUtcNow(), error, CancellationToken.None);
            Log.WebhookDeadLettered(_logger, delivery.Id.ToString(), subscription.Id.ToString(), attempt, error);
        }
        else
        {
            var delay = RetryDelay(attempt);
            await _store.RetryDeliveryAsync(delivery.WorkspaceId, delivery.Id, _time.GetUtcNow() + delay, error, CancellationToken.None);
            Log.WebhookRetrying(_logger, delivery.Id.ToString(), subscription.Id.ToString(), attempt, error, delay);
        }
        return true;
    }

    /// <summary>
    /// The wait after failed attempt <paramref name="attempt"/> (1-based): the initial delay, doubled per attempt, capped,
    /// then scaled by a random factor in [0.8, 1.2) so that the deliveries a receiver's outage failed together do not
    /// all come back at the same instant.
    /// </summary>
    internal TimeSpan RetryDelay(int attempt)
    {
        var factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        var ticks = Math.Min(_options.InitialRetryDelay.Ticks * factor, _options.MaxRetryDelay.Ticks);
        return TimeSpan.FromTicks((long)(ticks * (0.8 + (0.4 * Random.Shared.NextDouble()))));
    }

    /// <summary>POSTs the delivery; null when the receiver answered 2xx, else what went wrong (never the secret).</summary>
    private async Task<string?> PostAsync(EventSubscription subscription, EventDelivery delivery)
    {
        using var timeout = new CancellationTokenSource(_options.RequestTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new ByteArrayContent(delivery.Body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Create(subscription.Secret, timestamp, delivery.Body));
        request.Headers.Add("Tanager-Event", delivery.EventType);
        request.Headers.Add("Tanager-Delivery", delivery.Id.ToString());
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (OperationCanceledException)
        {
            return $"no answer within {_options.RequestTimeout.TotalSeconds:0.#} s";
        }
        catch (HttpRequestException exception)
        {
            var message = exception.InnerException?.Message ?? exception.Message;
            return message.Length > MaxErrorLength ? message[..MaxErrorLength] : message;
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }
}
