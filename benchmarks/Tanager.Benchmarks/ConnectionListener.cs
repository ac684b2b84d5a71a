using Tanager.Transport.WebSockets.Internal;

namespace Tanager.Benchmarks;

/// <summary>Counts TrySend refusals so a benchmark fails loudly instead of timing dropped frames.</summary>
internal sealed class DeliveryFailures
{
    public int Count;
}

/// <summary>
/// What <see cref="GatewaySession.Deliver"/> does for a READY session, without the session state machine: take the
/// transport's frame from the shared <see cref="OutboundEvent"/> (framed once per node) and queue it on the connection.
/// </summary>
internal sealed class ConnectionListener(WebSocketConnection connection, DeliveryFailures failures) : ISubjectListener
{
    public void Deliver(OutboundEvent outboundEvent)
    {
        if (!connection.TrySend(outboundEvent.GetFrame(connection.Encoder)))
        {
            failures.Count++;
        }
    }
}
