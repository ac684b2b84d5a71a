using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// Serializes a DISPATCH event once and publishes it with its typed header on the subject the header's scope names. An
/// event whose audience is split (the workspace but one user, and that user on their own subject) is published once per
/// part, as the same bytes, so that it reaches each connection once.
/// </summary>
/// <remarks>
/// Every service publishes here after its change is committed, so this is also where the events outgoing webhooks
/// deliver are queued (<see cref="EventSubscriptionService"/>): once per event, on the node where it happened.
/// </remarks>
public sealed class EventDispatcher(IPubSub pubSub)
{
    /// <summary>Queues the events subscriptions want; set by <c>AddTanager()</c>, absent where only the gateway matters.</summary>
    internal EventSubscriptionService? Subscriptions { get; init; }

    /// <summary>The embedding app's after-commit handlers, with the logger their failures go to; set by <c>AddTanager()</c>.</summary>
    internal (TanagerHooks Hooks, ILogger Logger)? Hooks { get; init; }

    public async ValueTask PublishAsync<T>(EventHeader header, T data, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(header);
        var payload = GatewayEnvelope.Serialize(GatewayOpCode.Dispatch, header.Name, data, typeInfo);
        await pubSub.PublishAsync(header.Subject, header, payload, cancellationToken);
        await QueueForSubscriptionsAsync(header, data, typeInfo, cancellationToken);
        await RunHooksAsync(header.Name, data, cancellationToken);
    }

    private ValueTask RunHooksAsync<T>(string eventName, T data, CancellationToken cancellationToken) =>
        Hooks is { } hooks ? hooks.Hooks.AfterCommitAsync(eventName, data, hooks.Logger, cancellationToken) : ValueTask.CompletedTask;

    private ValueTask QueueForSubscriptionsAsync<T>(EventHeader header, T data, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) =>
        Subscriptions is null ? ValueTask.CompletedTask : Subscriptions.EnqueueAsync(header, data, typeInfo, cancellationToken);

    /// <summary>Publishes the same event (one serialization) under each of <paramref name="headers"/>, in order.</summary>
    public async ValueTask PublishAsync<T>(IReadOnlyList<EventHeader> headers, T data, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (headers.Count == 0)
        {
            return;
        }
        var payload = GatewayEnvelope.Serialize(GatewayOpCode.Dispatch, headers[0].Name, data, typeInfo);
        foreach (var header in headers)
        {
            await pubSub.PublishAsync(header.Subject, header, payload, cancellationToken);
        }
        // One event, however many parts its audience was published in.
        await QueueForSubscriptionsAsync(headers.FirstOrDefault(h => h.Scope != EventScope.User) ?? headers[0], data, typeInfo, cancellationToken);
        await RunHooksAsync(headers[0].Name, data, cancellationToken);
    }
}
