namespace Tanager;

/// <summary>Something on this node that receives the events of the subjects it is added to in <see cref="FanOut"/>.</summary>
public interface ISubjectListener
{
    /// <summary>
    /// Called on the delivery path, for one subject one event at a time and in the order the subject's events arrived
    /// (under the lock handed to <see cref="Attached"/>): must not block.
    /// </summary>
    void Deliver(OutboundEvent outboundEvent);

    /// <summary>
    /// Called as the listener is added to a subject, before its first event, with the lock its events are delivered
    /// under: a listener that also delivers from elsewhere takes it to stay in order. Must not block.
    /// </summary>
    void Attached(Lock gate)
    {
    }
}
