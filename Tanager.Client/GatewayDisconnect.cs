namespace Tanager.Client;

/// <summary>Why a gateway connection ended, and whether the SDK is reconnecting by itself.</summary>
/// <param name="CloseCode">The WebSocket close code (see docs/protocol.md), or null when the connection dropped without one.</param>
public sealed record GatewayDisconnect(int? CloseCode, string? Reason, bool WillReconnect);
