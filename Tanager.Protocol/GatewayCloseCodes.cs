namespace Tanager.Protocol;

/// <summary>WebSocket close codes the gateway uses. 1000–1011 are RFC 6455 §7.4.1; 4000–4999 are Tanager's own.</summary>
public static class GatewayCloseCodes
{
    public const int Normal = 1000;
    /// <summary>The node is shutting down; reconnect to any node.</summary>
    public const int GoingAway = 1001;
    /// <summary>RFC 6455 framing violation: unmasked client frame, reserved bits, unknown opcode, fragmented or oversized control frame, bad continuation.</summary>
    public const int ProtocolError = 1002;
    /// <summary>A binary data frame: the gateway speaks UTF-8 JSON text frames only.</summary>
    public const int UnsupportedData = 1003;
    /// <summary>A text frame that is not valid UTF-8.</summary>
    public const int InvalidPayload = 1007;
    /// <summary>A frame or message larger than the gateway accepts.</summary>
    public const int MessageTooBig = 1009;
    public const int InternalError = 1011;

    /// <summary>A text frame that is not a JSON gateway envelope.</summary>
    public const int DecodeError = 4002;
    /// <summary>An op the server does not know, or one a client may not send.</summary>
    public const int UnknownOp = 4001;
    /// <summary>An op other than HEARTBEAT or IDENTIFY before IDENTIFY.</summary>
    public const int NotAuthenticated = 4003;
    /// <summary>IDENTIFY carried a token that is unknown, expired or revoked.</summary>
    public const int AuthenticationFailed = 4004;
    /// <summary>A second IDENTIFY on an identified connection.</summary>
    public const int AlreadyAuthenticated = 4005;
    /// <summary>No heartbeat (or IDENTIFY) arrived within the allowed time.</summary>
    public const int SessionTimedOut = 4009;
    /// <summary>The client sent ops faster than allowed (a burst of 120, then 2 per second).</summary>
    public const int RateLimited = 4008;
    /// <summary>The client did not read fast enough and its bounded send queue overflowed. Reconnect and catch up.</summary>
    public const int SlowConsumer = 4010;
}
