using Tanager.Transport.WebSockets.Internal;

namespace Tanager.Tests.Fuzz;

/// <summary>One frame a fuzzed client sends, exactly as it goes on the wire (mask, RSV bits and all).</summary>
internal sealed record ClientFrame(string Kind, WebSocketOpcode Opcode, byte[] Payload, bool Fin = true, bool Masked = true, byte Rsv = 0)
{
    public override string ToString() =>
        $"{Kind}: {Opcode}{(Fin ? "" : " (not final)")}{(Masked ? "" : " (unmasked)")}{(Rsv == 0 ? "" : $" (RSV {Rsv})")} {RestCase.Preview(Payload, 300)}";
}

/// <summary>
/// A gateway case: frames sent on one connection, either a fresh one (identified first or not) or the one the previous
/// case left open, in whatever state that left it.
/// </summary>
internal sealed record GatewayCase(GatewayStart Start, IReadOnlyList<ClientFrame> Frames)
{
    public override string ToString() => $"{Start}: " + string.Join(" | ", Frames);
}

internal enum GatewayStart
{
    /// <summary>Carry on with the previous case's connection (a new identified one if it was closed).</summary>
    Continue,
    /// <summary>A new connection that has read HELLO and not identified.</summary>
    FreshBeforeIdentify,
    /// <summary>A new connection that has identified and read READY.</summary>
    FreshIdentified,
}
