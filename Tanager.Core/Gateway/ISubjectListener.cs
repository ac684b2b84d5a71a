namespace Tanager;

/// <summary>Something on this node that receives the events of the subjects it is added to in <see cref="FanOut"/>.</summary>
public interface ISubjectListener
{
    /// <summary>Called on the delivery path: must not block.</summary>
    void Deliver(string subject, OutboundEvent outboundEvent);
}
