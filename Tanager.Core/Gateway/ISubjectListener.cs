namespace Tanager;

/// <summary>Something on this node that receives the events of the subjects it is added to in <see cref="FanOut"/>.</summary>
public interface ISubjectListener
{
    /// <summary>
    /// Called on the delivery path, for one subject one event at a time and in the order the subject's events arrived
    /// (under the lock <see cref="FanOut.AddAsync"/> returns): must not block.
    /// </summary>
    void Deliver(OutboundEvent outboundEvent);
}
