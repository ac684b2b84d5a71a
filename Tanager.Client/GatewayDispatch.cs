using System.Text.Json;

namespace Tanager.Client;

/// <summary>A DISPATCH as received: its event name (<c>t</c>) and payload (<c>d</c>).</summary>
public sealed record GatewayDispatch(string Type, JsonElement Data);
