using Tanager.Protocol;

namespace Tanager;

/// <summary>Ending a connection whose client went silent.</summary>
public sealed partial class GatewaySession
{
    /// <summary>
    /// Closes a connection declared dead (no message for the heartbeat timeout) and releases its presence and
    /// subscriptions at once: a peer that went silent does not answer the close handshake either, and its user must not
    /// stay online for the transport's close wait. The transport still disposes the session when the connection ends;
    /// disposing twice is harmless.
    /// </summary>
    internal ValueTask ExpireAsync()
    {
        Close(GatewayCloseCodes.SessionTimedOut, "No heartbeat in time.");
        return DisposeAsync();
    }
}
