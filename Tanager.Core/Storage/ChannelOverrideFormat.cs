using System.Text;
using System.Text.Json;

namespace Tanager;

/// <summary>
/// How stores keep a channel's overrides: one JSON text next to the channel row, so the channel and its overrides are
/// read together (the access check of every send reads them). Permissions are stored by name, not by bit.
/// </summary>
public static class ChannelOverrideFormat
{
    public static string Write(IReadOnlyList<ChannelOverride> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        if (overrides.Count == 0)
        {
            return "[]";
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var change in overrides)
            {
                writer.WriteStartObject();
                writer.WriteString("role"u8, change.Role.ToWire());
                WriteNames(writer, "allow"u8, change.Allow);
                WriteNames(writer, "deny"u8, change.Deny);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static IReadOnlyList<ChannelOverride> Read(string? json)
    {
        if (string.IsNullOrEmpty(json) || json == "[]")
        {
            return [];
        }
        using var document = JsonDocument.Parse(json);
        var result = new List<ChannelOverride>();
        foreach (var element in document.RootElement.EnumerateArray())
        {
            result.Add(new ChannelOverride(DtoMapping.ParseRole(element.GetProperty("role"u8).GetString()!), ReadNames(element, "allow"u8), ReadNames(element, "deny"u8)));
        }
        return result;
    }

    private static void WriteNames(Utf8JsonWriter writer, ReadOnlySpan<byte> property, Permission permissions)
    {
        writer.WriteStartArray(property);
        foreach (var name in Permissions.NamesOf(permissions))
        {
            writer.WriteStringValue(name);
        }
        writer.WriteEndArray();
    }

    private static Permission ReadNames(JsonElement element, ReadOnlySpan<byte> property)
    {
        var result = Permission.None;
        foreach (var name in element.GetProperty(property).EnumerateArray())
        {
            // A name a later version wrote and this one does not know grants nothing here.
            if (Permissions.TryParseName(name.GetString(), out var bit))
            {
                result |= bit;
            }
        }
        return result;
    }
}
