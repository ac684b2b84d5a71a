using System.Buffers.Binary;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Tanager.Transport.WebSockets.Internal;

namespace Tanager.Tests.Fuzz;

/// <summary>FsCheck generators of gateway frames: the client ops with mutated payloads, unknown ops, broken JSON and broken framing.</summary>
internal sealed class GatewayCases(Func<RestWorld> world)
{
    public Arbitrary<GatewayCase> Arbitrary() => Arb.From(Case(), Shrink);

    public Gen<GatewayCase> Case() =>
        from start in Gen.Frequency((6, Gen.Constant(GatewayStart.Continue)), (1, Gen.Constant(GatewayStart.FreshBeforeIdentify)), (2, Gen.Constant(GatewayStart.FreshIdentified)))
        from count in Gen.Choose(1, 5)
        from frames in Frame().ListOf(count)
        select new GatewayCase(start, [.. frames.SelectMany(f => f)]);

    private static IEnumerable<GatewayCase> Shrink(GatewayCase c)
    {
        for (var i = 0; i < c.Frames.Count && c.Frames.Count > 1; i++)
        {
            yield return c with { Frames = [.. c.Frames.Where((_, j) => j != i)] };
        }
        if (c.Start == GatewayStart.Continue)
        {
            yield return c with { Start = GatewayStart.FreshIdentified };
            yield return c with { Start = GatewayStart.FreshBeforeIdentify };
        }
    }

    /// <summary>One frame, or a fragmented message (several frames).</summary>
    private Gen<ClientFrame[]> Frame() =>
        Gen.Frequency(
            (50, Op().Select(json => new[] { Text("op", json) })),
            (6, Junk.BrokenJson().Select(bytes => new[] { new ClientFrame("broken JSON", WebSocketOpcode.Text, bytes) })),
            (2, Gen.Elements(60_000, 65_536, 65_537, 70_000).Select(n => new[] { Text("huge", "{\"op\":1,\"d\":\"" + new string('x', n) + "\"}") })),
            (3, Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf().Select(bytes => new[] { new ClientFrame("binary", WebSocketOpcode.Binary, bytes) })),
            (4, Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf().Select(bytes => new[] { new ClientFrame("ping", WebSocketOpcode.Ping, bytes.Take(125).ToArray()) })),
            (2, Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf().Select(bytes => new[] { new ClientFrame("pong", WebSocketOpcode.Pong, bytes.Take(125).ToArray()) })),
            (2, Close().Select(frame => new[] { frame })),
            (5, Fragmented()),
            (4, Violation().Select(frame => new[] { frame })),
            (2, Gen.Elements<byte[]>([0xc3, 0x28], [0xed, 0xa0, 0x80], [0x7b, 0x22, 0x6f, 0x70, 0x22, 0x3a, 0x31, 0xff, 0x7d], [0xf4, 0x90, 0x80, 0x80])
                .Select(bytes => new[] { new ClientFrame("invalid UTF-8", WebSocketOpcode.Text, bytes) })));

    private static ClientFrame Text(string kind, string json) => new(kind, WebSocketOpcode.Text, Encoding.UTF8.GetBytes(json));

    /// <summary>A client op as JSON: valid ops with valid or mutated payloads, unknown and server-only ops, odd envelopes.</summary>
    private Gen<string> Op()
    {
        var d = Junk.JsonValue();
        var token = Gen.Frequency((6, Gen.Constant(0).Select(_ => Junk.JsonString(world().Token))), (1, Gen.Constant(0).Select(_ => Junk.JsonString(world().BotToken))),
            (1, Gen.Constant(0).Select(_ => Junk.JsonString(world().ApiKey))), (3, d));
        var identify = from op in Gen.Elements(2, 6)
                       from t in token
                       from cursors in Gen.Frequency((2, Gen.Constant<string?>(null)), (3, Cursors().Select(c => (string?)c)), (1, d.Select(v => (string?)v)))
                       from whole in Gen.Frequency((8, Gen.Constant<string?>(null)), (1, d.Select(v => (string?)v)))
                       select $"{{\"op\":{op},\"d\":{whole ?? $"{{\"token\":{t}{(cursors is null ? "" : ",\"last_sequences\":" + cursors)}}}"}}}";
        var presence = from status in Gen.Frequency((3, Gen.Elements("online", "away", "dnd").Select(Junk.JsonString)), (1, Gen.Elements("offline", "invisible", "ONLINE", "").Select(Junk.JsonString)), (1, d))
                       from whole in Gen.Frequency((6, Gen.Constant<string?>(null)), (1, d.Select(v => (string?)v)))
                       select $"{{\"op\":3,\"d\":{whole ?? $"{{\"status\":{status}}}"}}}";
        var typing = from ws in Id("workspace")
                     from channel in Id("channel")
                     from whole in Gen.Frequency((6, Gen.Constant<string?>(null)), (1, d.Select(v => (string?)v)))
                     select $"{{\"op\":4,\"d\":{whole ?? $"{{\"workspace_id\":{ws},\"channel_id\":{channel}}}"}}}";
        var heartbeat = from value in Gen.Frequency((3, Gen.Constant("null")), (1, d)) select $"{{\"op\":1,\"d\":{value}}}";
        var other = from op in Gen.Elements("0", "5", "7", "8", "9", "10", "11", "12", "13", "99", "-1", "2147483647", "2147483648", "1.5", "1e2", "\"1\"", "null", "[]", "{}", "true")
                    from value in d
                    select $"{{\"op\":{op},\"d\":{value}}}";
        var envelope = from value in d
                       from shape in Gen.Elements("{\"d\":D}", "{\"op\":1,\"op\":2,\"d\":D}", "{\"op\":1,\"s\":D,\"t\":D}", "{\"OP\":1}", "{\"op\":4,\"d\":D,\"extra\":D}", "[{\"op\":1}]", "{}", "{\"op\":2}")
                       select shape.Replace("D", value, StringComparison.Ordinal);
        return Gen.Frequency((6, identify), (4, presence), (8, typing), (4, heartbeat), (4, other), (3, envelope));
    }

    /// <summary>A value for an id field: a real id of the world, another id, a fresh or malformed ULID, or any JSON.</summary>
    private Gen<string> Id(string kind) =>
        Gen.Frequency(
            (6, Gen.Choose(0, 1 << 20).Select(i => world().Pool(kind)[i % world().Pool(kind).Length]).Select(Junk.JsonString)),
            (1, Gen.Choose(0, 1 << 20).Select(i => world().Pool("message")[i % world().Pool("message").Length]).Select(Junk.JsonString)),
            (2, Junk.Ulid().Select(Junk.JsonString)),
            (2, Junk.JsonValue()));

    /// <summary>RESUME's last_sequences: real and unknown channel ids with sequences from 0 to past the end, and wrong types.</summary>
    private Gen<string> Cursors()
    {
        var key = Gen.Frequency((4, Gen.Choose(0, 1 << 20).Select(i => world().Pool("channel")[i % world().Pool("channel").Length])), (1, Junk.Ulid()), (1, Junk.Text()));
        var value = Gen.Elements("0", "1", "2", "5", "1000", "999999", "9223372036854775807", "9223372036854775808", "-1", "1.5", "\"3\"", "null", "[]", "1e30");
        var pair = Gen.Zip(key, value, (k, v) => $"{Junk.JsonString(k)}:{v}");
        return Gen.Frequency((5, Gen.Choose(0, 4).SelectMany(n => pair.ListOf(n)).Select(p => "{" + string.Join(',', p) + "}")),
            (1, Gen.Choose(0, 2_000).Select(n => "{" + string.Join(',', Enumerable.Range(0, n).Select(i => $"\"{i}\":0")) + "}")));
    }

    private static Gen<ClientFrame> Close() =>
        from code in Gen.Elements(-1, 0, 999, 1000, 1001, 1002, 1004, 1005, 1006, 1011, 1015, 2999, 3000, 4000, 4999, 5000, 65535)
        from reason in Gen.Elements("", "bye", new string('r', 123), "\u00e9")
        from broken in Gen.Frequency((6, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)))
        select new ClientFrame("close", WebSocketOpcode.Close, broken switch
        {
            1 => [0x03],
            2 => [0x03, 0xe8, 0xc3, 0x28],
            _ when code < 0 => [],
            _ => [.. BigEndian((ushort)code), .. Encoding.UTF8.GetBytes(reason)],
        });

    private static byte[] BigEndian(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>A message in 2–3 frames, with a ping between them sometimes, and sometimes never finished.</summary>
    private Gen<ClientFrame[]> Fragmented() =>
        from json in Op()
        from cut in Gen.Choose(0, 100)
        from ping in Gen.Elements(false, true)
        from unfinished in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
        let bytes = Encoding.UTF8.GetBytes(json)
        let at = bytes.Length * cut / 100
        select (ClientFrame[])[
            new ClientFrame("fragment", WebSocketOpcode.Text, bytes[..at], Fin: false),
            .. ping ? [new ClientFrame("ping between fragments", WebSocketOpcode.Ping, "p"u8.ToArray())] : Array.Empty<ClientFrame>(),
            new ClientFrame("fragment", WebSocketOpcode.Continuation, bytes[at..], Fin: !unfinished),
        ];

    /// <summary>Frames RFC 6455 forbids a client to send.</summary>
    private static Gen<ClientFrame> Violation() =>
        Gen.Elements(
            new ClientFrame("unmasked", WebSocketOpcode.Text, "{\"op\":1}"u8.ToArray(), Masked: false),
            new ClientFrame("RSV1", WebSocketOpcode.Text, "{\"op\":1}"u8.ToArray(), Rsv: 0x40),
            new ClientFrame("RSV3", WebSocketOpcode.Ping, "x"u8.ToArray(), Rsv: 0x10),
            new ClientFrame("reserved opcode", (WebSocketOpcode)3, "x"u8.ToArray()),
            new ClientFrame("reserved control opcode", (WebSocketOpcode)0xB, "x"u8.ToArray()),
            new ClientFrame("continuation without a start", WebSocketOpcode.Continuation, "x"u8.ToArray()),
            new ClientFrame("fragmented ping", WebSocketOpcode.Ping, "x"u8.ToArray(), Fin: false),
            new ClientFrame("ping over 125 bytes", WebSocketOpcode.Ping, new byte[126]),
            new ClientFrame("close over 125 bytes", WebSocketOpcode.Close, [0x03, 0xe8, .. new byte[124]]));
}
