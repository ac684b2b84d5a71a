using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Tanager.Protocol;

/// <summary>Writes gateway envelopes. The envelope is written by hand so that <c>d</c> is serialized straight into the output, with no intermediate DOM.</summary>
public static class GatewayEnvelope
{
    private static ReadOnlySpan<byte> OpName => "op"u8;
    private static ReadOnlySpan<byte> TypeName => "t"u8;
    private static ReadOnlySpan<byte> DataName => "d"u8;

    // Scratch space reused per thread: serializing an event then allocates only the exact-size result array.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    /// <summary>Serializes <c>{"op":op,"t":type,"d":data}</c> to a new UTF-8 array.</summary>
    public static byte[] Serialize<T>(GatewayOpCode op, string? type, T data, JsonTypeInfo<T> typeInfo)
    {
        var scratch = t_scratch ??= new ArrayBufferWriter<byte>(4096);
        scratch.ResetWrittenCount();
        Write(scratch, op, type, data, typeInfo);
        var result = scratch.WrittenSpan.ToArray();
        if (scratch.Capacity > 64 * 1024)
        {
            // Do not let one huge event pin a large buffer to the thread forever.
            t_scratch = null;
        }
        return result;
    }

    /// <summary>Serializes an envelope with no <c>d</c>.</summary>
    public static byte[] Serialize(GatewayOpCode op)
    {
        var buffer = new ArrayBufferWriter<byte>(32);
        using var writer = new Utf8JsonWriter(buffer);
        writer.WriteStartObject();
        writer.WriteNumber(OpName, (int)op);
        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static void Write<T>(IBufferWriter<byte> output, GatewayOpCode op, string? type, T data, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteNumber(OpName, (int)op);
        if (type is not null)
        {
            writer.WriteString(TypeName, type);
        }
        writer.WritePropertyName(DataName);
        JsonSerializer.Serialize(writer, data, typeInfo);
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>Parses an envelope. Throws <see cref="JsonException"/> when the bytes are not one.</summary>
    public static GatewayFrame Parse(ReadOnlySpan<byte> utf8Json)
    {
        var frame = JsonSerializer.Deserialize(utf8Json, TanagerJsonContext.Default.GatewayFrame);
        return frame ?? throw new JsonException("The gateway frame is null.");
    }
}
