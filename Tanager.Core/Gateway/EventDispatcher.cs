using System.Text.Json.Serialization.Metadata;
using Tanager.Protocol;

namespace Tanager;

/// <summary>Serializes a DISPATCH event once and publishes the bytes to a subject.</summary>
public sealed class EventDispatcher(IPubSub pubSub)
{
    public ValueTask DispatchAsync<T>(string subject, string eventName, T data, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        var payload = GatewayEnvelope.Serialize(GatewayOpCode.Dispatch, eventName, data, typeInfo);
        return pubSub.PublishAsync(subject, payload, cancellationToken);
    }

    /// <summary>Publishes the same serialized event to several subjects, in order.</summary>
    public async ValueTask DispatchAsync<T>(IReadOnlyList<string> subjects, string eventName, T data, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        var payload = GatewayEnvelope.Serialize(GatewayOpCode.Dispatch, eventName, data, typeInfo);
        foreach (var subject in subjects)
        {
            await pubSub.PublishAsync(subject, payload, cancellationToken);
        }
    }
}
