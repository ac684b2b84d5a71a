using System.Buffers;
using System.Text;
using System.Text.Unicode;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tanager.Transport.WebSockets.Internal;
using Xunit;

namespace Tanager.Tests.WebSockets;

public sealed class FramingProperties
{
    private static readonly WebSocketOpcode[] _dataOpcodes = [WebSocketOpcode.Continuation, WebSocketOpcode.Text, WebSocketOpcode.Binary];
    private static readonly WebSocketOpcode[] _controlOpcodes = [WebSocketOpcode.Close, WebSocketOpcode.Ping, WebSocketOpcode.Pong];

    // Edges of the 7-, 16- and 64-bit length encodings (§5.2); Lengths() mixes them with random sizes.
    private static readonly int[] _boundaryLengths = [0, 1, 125, 126, 127, 65535, 65536];

    // One- to four-byte UTF-8 sequences, so random cuts land inside multi-byte characters.
    private static readonly string[] _textPieces = ["a", "Z", " ", "é", "ß", "€", "中", "😀", "𝄞", "\u0000", "\u007f", "\uFFFD"];

    [Property(MaxTest = 300)]
    public Property Any_frame_round_trips_through_write_parse_and_unmask() =>
        Prop.ForAll(FrameCases(maxRandomLength: 70_000).ToArbitrary(), frame =>
        {
            var payload = frame.Payload();
            var wire = frame.Encode(payload);
            var buffer = new ReadOnlySequence<byte>(wire);

            var status = WebSocketFrameParser.TryParse(
                ref buffer, long.MaxValue, frame.MaskKey.HasValue, out var header, out var received, out var error);

            Assert.True(status == FrameParseStatus.Ok, error);
            Assert.Equal(0, buffer.Length);
            Assert.Equal(frame.Fin, header.Fin);
            Assert.Equal(0, header.Rsv);
            Assert.Equal(frame.Opcode, header.Opcode);
            Assert.Equal(frame.MaskKey.HasValue, header.Masked);
            Assert.Equal(frame.MaskKey ?? 0, header.MaskKey);
            Assert.Equal(payload.Length, header.PayloadLength);
            Assert.Equal(WebSocketFrameWriter.GetHeaderLength(payload.Length, frame.MaskKey.HasValue), header.HeaderLength);
            Assert.Equal(header.HeaderLength + payload.Length, wire.Length);

            var unmasked = new byte[received.Length];
            WebSocketMask.Unmask(received, unmasked, header.MaskKey);
            Assert.Equal(payload, unmasked);

            if (frame.Fin && !frame.MaskKey.HasValue)
            {
                Assert.Equal(wire, WebSocketFrameWriter.BuildFrame(frame.Opcode, payload));
            }
        });

    [Property(MaxTest = 200)]
    public Property Frame_parses_identically_at_any_segmentation_and_every_strict_prefix_needs_more_data() =>
        Prop.ForAll(SegmentedCases().ToArbitrary(), testCase =>
        {
            var (frame, cuts) = testCase;
            var first = frame.Encode(frame.Payload());
            var next = WebSocketFrameWriter.BuildFrame(WebSocketOpcode.Pong, [0xAB]);
            byte[] wire = [.. first, .. next];

            var contiguous = new ReadOnlySequence<byte>(wire);
            var segmented = Segment(wire, cuts);
            Assert.Equal(wire, segmented.ToArray());

            var expectedStatus = WebSocketFrameParser.TryParse(ref contiguous, long.MaxValue, false, out var expectedHeader, out var expectedPayload);
            var status = WebSocketFrameParser.TryParse(ref segmented, long.MaxValue, false, out var header, out var payload);

            Assert.Equal(FrameParseStatus.Ok, expectedStatus);
            Assert.Equal(FrameParseStatus.Ok, status);
            Assert.Equal(expectedHeader, header);
            Assert.Equal(expectedPayload.ToArray(), payload.ToArray());
            Assert.Equal(next, segmented.ToArray());

            var whole = Segment(first, cuts.Where(c => c <= first.Length).ToArray());
            for (var length = 0; length < first.Length; length++)
            {
                var prefix = whole.Slice(0, length);
                var before = prefix;
                Assert.Equal(FrameParseStatus.NeedMoreData, WebSocketFrameParser.TryParse(ref prefix, long.MaxValue, false, out _, out _));
                Assert.Equal(before.Length, prefix.Length);
                Assert.Equal(before.Start, prefix.Start);
            }
        });

    [Property(MaxTest = 500)]
    public Property Arbitrary_bytes_never_throw_from_parser_or_assembler() =>
        Prop.ForAll(NoiseCases().ToArbitrary(), testCase =>
        {
            var (wire, cuts, requireMask) = testCase;
            var buffer = Segment(wire, cuts);
            var assembler = new WebSocketMessageAssembler(maxMessageSize: 200);

            while (true)
            {
                var before = buffer;
                var status = WebSocketFrameParser.TryParse(ref buffer, 100, requireMask, out var header, out var payload, out var error);
                Assert.True(Enum.IsDefined(status));
                if (status != FrameParseStatus.Ok)
                {
                    Assert.Equal(before.Length, buffer.Length);
                    Assert.Equal(status != FrameParseStatus.NeedMoreData, error is not null);
                    break;
                }

                Assert.Equal(before.Length - header.HeaderLength - header.PayloadLength, buffer.Length);
                var result = assembler.ProcessMasked(header, payload);
                Assert.True(Enum.IsDefined(result.Kind));
                if (result.Kind == WebSocketAssemblerResultKind.Error)
                {
                    Assert.Contains(result.CloseCode, new[] { 1002, 1007, 1009 });
                    break;
                }
            }
        });

    [Property(MaxTest = 300)]
    public Property Text_split_into_random_fragments_reassembles_to_the_original() =>
        Prop.ForAll(FragmentedTextCases().ToArbitrary(), testCase =>
        {
            var (text, cuts, pingAfter, maskKey) = testCase;
            var bytes = Encoding.UTF8.GetBytes(text);
            var bounds = cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order().Prepend(0).Append(bytes.Length).ToArray();

            var writer = new ArrayBufferWriter<byte>();
            var fragmentCount = bounds.Length - 1;
            for (var i = 0; i < fragmentCount; i++)
            {
                var fragment = bytes.AsSpan(bounds[i], bounds[i + 1] - bounds[i]);
                var opcode = i == 0 ? WebSocketOpcode.Text : WebSocketOpcode.Continuation;
                WebSocketFrameWriter.Write(writer, opcode, fragment, fin: i == fragmentCount - 1, maskKey);
                if (pingAfter.Contains(i) && i < fragmentCount - 1)
                {
                    WebSocketFrameWriter.Write(writer, WebSocketOpcode.Ping, "p"u8, maskKey: maskKey);
                }
            }

            var buffer = new ReadOnlySequence<byte>(writer.WrittenMemory);
            var assembler = new WebSocketMessageAssembler(maxMessageSize: 1 << 20);
            WebSocketAssemblerResult result = default;
            var frames = 0;
            while (WebSocketFrameParser.TryParse(ref buffer, 1 << 20, true, out var header, out var payload) == FrameParseStatus.Ok)
            {
                result = assembler.ProcessMasked(header, payload);
                frames++;
                Assert.NotEqual(WebSocketAssemblerResultKind.Error, result.Kind);
                if (buffer.Length > 0 && header.Opcode != WebSocketOpcode.Ping)
                {
                    Assert.Equal(WebSocketAssemblerResultKind.Incomplete, result.Kind);
                }
            }

            Assert.Equal(0, buffer.Length);
            Assert.True(frames >= fragmentCount);
            Assert.Equal(WebSocketAssemblerResultKind.Message, result.Kind);
            Assert.True(result.IsText);
            Assert.Equal(bytes, result.Payload.ToArray());
            Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(result.Payload.Span));
        });

    [Property(MaxTest = 500)]
    public Property Masking_twice_is_identity_and_matches_the_reference_xor() =>
        Prop.ForAll(MaskCases().ToArbitrary(), testCase =>
        {
            var (data, maskKey, offset) = testCase;
            var masked = data.ToArray();

            WebSocketMask.Apply(masked, maskKey, offset);
            for (var i = 0; i < data.Length; i++)
            {
                var keyByte = (byte)(maskKey >> (8 * ((offset + i) % 4)));
                Assert.Equal((byte)(data[i] ^ keyByte), masked[i]);
            }

            var twice = masked.ToArray();
            WebSocketMask.Apply(twice, maskKey, offset);
            Assert.Equal(data, twice);
        });

    [Property(MaxTest = 300)]
    public Property Unmask_across_segments_matches_a_single_contiguous_apply() =>
        Prop.ForAll(
            MaskCases().SelectMany(c => Cuts(c.Data.Length), (c, cuts) => (c.Data, c.MaskKey, Cuts: cuts)).ToArbitrary(),
            testCase =>
            {
                var (data, maskKey, cuts) = testCase;
                var expected = data.ToArray();
                WebSocketMask.Apply(expected, maskKey);

                var actual = new byte[data.Length];
                WebSocketMask.Unmask(Segment(data, cuts), actual, maskKey);

                Assert.Equal(expected, actual);
            });

    [Property(MaxTest = 500)]
    public Property Close_payload_never_exceeds_125_bytes_and_is_valid_utf8() =>
        Prop.ForAll(ReasonStrings().ToArbitrary(), Gen.Choose(0, 65535).ToArbitrary(), (reason, code) =>
        {
            var payload = WebSocketFrameWriter.BuildClosePayload(code, reason);

            Assert.InRange(payload.Length, 2, 125);
            Assert.Equal(code, (payload[0] << 8) | payload[1]);
            var reasonBytes = payload.AsSpan(2);
            Assert.True(Utf8.IsValid(reasonBytes));

            // Truncation keeps a prefix of what full encoding (with lone surrogates replaced) produces.
            var full = Encoding.UTF8.GetBytes(reason);
            Assert.True(full.AsSpan().StartsWith(reasonBytes));
            if (full.Length <= WebSocketFrameWriter.MaxCloseReasonBytes)
            {
                Assert.Equal(full.Length, reasonBytes.Length);
            }
            else
            {
                // Only a partial code point (at most 3 bytes) may be cut off.
                Assert.InRange(reasonBytes.Length, WebSocketFrameWriter.MaxCloseReasonBytes - 3, WebSocketFrameWriter.MaxCloseReasonBytes);
            }
        });

    // ---- Generators -------------------------------------------------------------------------

    private static Gen<int> MaskKeys() =>
        Gen.Choose(0, 0xFFFF).SelectMany(_ => Gen.Choose(0, 0xFFFF), (high, low) => (high << 16) | low);

    private static Gen<int> Lengths(int maxRandomLength) =>
        Gen.Frequency(
            (3, Gen.Elements(_boundaryLengths)),
            (4, Gen.Choose(0, 300)),
            (1, Gen.Choose(0, maxRandomLength)));

    private static Gen<FrameCase> FrameCases(int maxRandomLength) =>
        from isControl in Gen.Elements(false, false, true)
        from opcode in Gen.Elements(isControl ? _controlOpcodes : _dataOpcodes)
        from fin in isControl ? Gen.Constant(true) : Gen.Elements(true, false)
        from length in isControl ? Gen.Choose(0, 125) : Lengths(maxRandomLength)
        from seed in Gen.Choose(0, int.MaxValue - 1)
        from masked in Gen.Elements(true, false)
        from key in MaskKeys()
        select new FrameCase(opcode, fin, length, seed, masked ? key : null);

    private static Gen<int[]> Cuts(int length) =>
        Gen.ArrayOf(Gen.Frequency(
            (1, Gen.Choose(0, Math.Min(length, WebSocketFrameParser.MaxHeaderLength + 2))),
            (1, Gen.Choose(0, length))))
        .Select(cuts => cuts.Order().ToArray());

    private static Gen<(FrameCase Frame, int[] Cuts)> SegmentedCases() =>
        from frame in FrameCases(maxRandomLength: 2000)
        from cuts in Cuts(WebSocketFrameWriter.GetHeaderLength(frame.Length, frame.MaskKey.HasValue) + frame.Length + 3)
        select (frame, cuts);

    private static Gen<(byte[] Wire, int[] Cuts, bool RequireMask)> NoiseCases()
    {
        var randomBytes = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b));

        // Plausible headers reach the assembler far more often than pure noise does.
        var framePiece =
            from first in Gen.Elements<byte>(0x00, 0x01, 0x02, 0x08, 0x09, 0x0A, 0x03, 0x0B, 0x40)
            from fin in Gen.Elements<byte>(0x00, 0x80)
            from masked in Gen.Elements<byte>(0x00, 0x80, 0x80)
            from payload in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))
            from closeCode in Gen.Choose(990, 3010)
            select BuildNoiseFrame((byte)(first | fin), masked != 0, first == 0x08 ? [(byte)(closeCode >> 8), (byte)closeCode, .. payload] : payload);

        return from pieces in Gen.ListOf(Gen.Frequency((1, randomBytes), (3, framePiece)))
               let wire = pieces.SelectMany(p => p).ToArray()
               from cuts in Cuts(wire.Length)
               from requireMask in Gen.Elements(true, false)
               select (wire, cuts, requireMask);
    }

    private static byte[] BuildNoiseFrame(byte first, bool masked, byte[] payload)
    {
        var writer = new ArrayBufferWriter<byte>();
        WebSocketFrameWriter.Write(writer, (WebSocketOpcode)(first & 0x0F), payload, fin: (first & 0x80) != 0, masked ? 0x5A17C3E9 : null);
        var frame = writer.WrittenSpan.ToArray();
        frame[0] |= (byte)(first & 0x70);
        return frame;
    }

    private static Gen<string> TextStrings() =>
        Gen.Frequency(
            (3, Gen.ArrayOf(Gen.Elements(_textPieces)).Select(string.Concat)),
            (1, ArbMap.Default.GeneratorFor<string>().Where(s => s is not null)));

    private static Gen<(string Text, int[] Cuts, int[] PingAfter, int MaskKey)> FragmentedTextCases() =>
        from text in TextStrings()
        from cuts in Gen.ArrayOf(Gen.Choose(0, Encoding.UTF8.GetByteCount(text)))
        from pingAfter in Gen.ArrayOf(Gen.Choose(0, 10))
        from key in MaskKeys()
        select (text, cuts, pingAfter, key);

    private static Gen<string> ReasonStrings()
    {
        // Lone surrogates exercise the replacement path; long runs exercise truncation.
        string[] pieces = [.. _textPieces, "\uD800", "\uDC00", new string('x', 60)];
        return Gen.Frequency(
            (3, Gen.ArrayOf(Gen.Elements(pieces)).Select(string.Concat)),
            (1, ArbMap.Default.GeneratorFor<string>().Where(s => s is not null)));
    }

    private static Gen<(byte[] Data, int MaskKey, int Offset)> MaskCases() =>
        from length in Gen.Frequency((3, Gen.Choose(0, 100)), (1, Gen.Choose(0, 5000)))
        from seed in Gen.Choose(0, int.MaxValue - 1)
        from key in MaskKeys()
        from offset in Gen.Choose(0, 1000)
        select (RandomBytes(seed, length), key, offset);

    private static byte[] RandomBytes(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Splits <paramref name="data"/> at the given offsets; repeated offsets yield empty segments.</summary>
    private static ReadOnlySequence<byte> Segment(byte[] data, int[] cuts)
    {
        var bounds = cuts.Where(c => c >= 0 && c <= data.Length).Order().Append(data.Length).ToArray();
        var first = new BufferSegment(data.AsMemory(0, bounds[0]), 0);
        var last = first;
        for (var i = 1; i < bounds.Length; i++)
        {
            last = last.Append(data.AsMemory(bounds[i - 1], bounds[i] - bounds[i - 1]));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed record FrameCase(WebSocketOpcode Opcode, bool Fin, int Length, int Seed, int? MaskKey)
    {
        public byte[] Payload() => RandomBytes(Seed, Length);

        public byte[] Encode(byte[] payload)
        {
            var writer = new ArrayBufferWriter<byte>();
            WebSocketFrameWriter.Write(writer, Opcode, payload, Fin, MaskKey);
            return writer.WrittenSpan.ToArray();
        }
    }

    private sealed class BufferSegment : ReadOnlySequenceSegment<byte>
    {
        public BufferSegment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public BufferSegment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new BufferSegment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
