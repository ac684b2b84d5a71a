using System.Text.Json;
using NUlid;

namespace Tanager.Internal;

/// <summary>The JSON body of an outgoing webhook delivery (docs/integrations.md#outgoing-webhooks).</summary>
internal static class WebhookBody
{
    /// <summary>What the receiver gets: the event's id (the same on every retry), its type, where it happened and its data as the gateway sends it.</summary>
    public static byte[] Write(Ulid id, string eventType, Ulid workspaceId, Ulid subscriptionId, DateTimeOffset at, ReadOnlySpan<byte> data)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(data.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, id.ToString());
            writer.WriteString("type"u8, eventType);
            writer.WriteString("workspace_id"u8, workspaceId.ToString());
            writer.WriteString("subscription_id"u8, subscriptionId.ToString());
            writer.WriteString("created_at"u8, at);
            writer.WritePropertyName("data"u8);
            writer.WriteRawValue(data, skipInputValidation: true);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
