namespace Tanager.Protocol;

/// <summary>The <c>op</c> field of every gateway frame. Numbers follow the Discord-style gateway (seed 001) where a meaning is shared.</summary>
public enum GatewayOpCode
{
    /// <summary>Server → client: an event; <c>t</c> names it, <c>d</c> carries it.</summary>
    Dispatch = 0,
    /// <summary>Client → server: keep-alive; the server answers with <see cref="HeartbeatAck"/>.</summary>
    Heartbeat = 1,
    /// <summary>Client → server: authenticate the connection with a session token.</summary>
    Identify = 2,
    /// <summary>Client → server: set this connection's presence (online, away, dnd) and mark the user active.</summary>
    PresenceUpdate = 3,
    /// <summary>Client → server: the user is typing in a channel; renew every few seconds while typing.</summary>
    Typing = 4,
    /// <summary>Client → server: like <see cref="Identify"/>, with where each channel stopped; the server replays what was missed.</summary>
    Resume = 6,
    /// <summary>Server → client: the server is going away; reconnect (to any node).</summary>
    Reconnect = 7,
    /// <summary>Server → client: the session cannot be resumed; identify again.</summary>
    InvalidSession = 9,
    /// <summary>Server → client: first frame; carries the heartbeat interval.</summary>
    Hello = 10,
    /// <summary>Server → client: answer to <see cref="Heartbeat"/>.</summary>
    HeartbeatAck = 11,
    /// <summary>Server → client: a client op was understood but refused; the connection stays open.</summary>
    Error = 12,
}
