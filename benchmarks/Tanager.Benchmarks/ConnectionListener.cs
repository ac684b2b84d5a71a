using Tanager.Transport.WebSockets.Internal;

namespace Tanager.Benchmarks;

/// <summary>Counts TrySend refusals so a benchmark fails loudly instead of timing dropped frames.</summary>
internal sealed class DeliveryFailures
{
    public int Count;
}

/// <summary>
/// What a channel stream does for an event in line, without the session and its ordering: take the transport's frame
/// from the shared <see cref="OutboundEvent"/> (framed once per node) and queue the event on the connection (where it
/// joins the run of the channel's events already queued).
/// </summary>
internal sealed class ConnectionListener(WebSocketConnection connection, DeliveryFailures failures) : ISubjectListener
{
    public void Deliver(OutboundEvent outboundEvent)
    {
        if (!connection.TrySend(outboundEvent))
        {
            failures.Count++;
        }
    }
}
