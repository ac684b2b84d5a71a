using System.Text.Json;

namespace Tanager.Protocol;

/// <summary>The gateway envelope as read: <c>{"op": …, "t": …, "d": …}</c>.</summary>
public sealed record GatewayFrame
{
    public required GatewayOpCode Op { get; init; }
    public string? T { get; init; }
    public JsonElement D { get; init; }
}
