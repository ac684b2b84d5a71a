using System.Text.Json.Serialization.Metadata;
using Tanager.Protocol;

namespace Tanager;

/// <summary>
/// Serializes a DISPATCH event once and publishes it with its typed header on the subject the header's scope names. An
/// event whose audience is split (the workspace but one user, and that user on their own subject) is published once per
/// part, as the same bytes, so that it reaches each connection once.
/// </summary>
public sealed class EventDispatcher(IPubSub pubSub)
{
    public ValueTask PublishAsync<T>(EventHeader header, T data, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(header);
        var payload = GatewayEnvelope.Serialize(GatewayOpCode.Dispatch, header.Name, data, typeInfo);
        return pubSub.PublishAsync(header.Subject, header, payload, cancellationToken);
    }

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
    }
}
