using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Tanager.Transport.WebSockets.Internal;
using Xunit;

namespace Tanager.Tests.WebSockets;

public sealed class FramingTests
{
    private const long DefaultMaxFrame = 1 << 20;
    private const int MaskKey = 0x3D21FA37; // wire bytes 0x37 0xfa 0x21 0x3d, the key of the RFC 6455 §5.7 examples

    private static readonly byte[] _hello = "Hello"u8.ToArray();

    // ---- RFC 6455 §5.7 examples -------------------------------------------------------------

    [Fact]
    public void Rfc_single_frame_unmasked_text_parses_when_mask_not_required()
    {
        byte[] wire = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f];

        var (status, header, payload, _, remaining) = Parse(wire, requireMask: false);

        Assert.Equal(FrameParseStatus.Ok, status);
        Assert.True(header.Fin);
        Assert.Equal(WebSocketOpcode.Text, header.Opcode);
        Assert.False(header.Masked);
        Assert.Equal(5, header.PayloadLength);
        Assert.Equal(2, header.HeaderLength);
        Assert.Equal(_hello, payload);
        Assert.Equal(0, remaining);
    }

    [Fact]
    public void Rfc_single_frame_masked_text_parses_and_unmasks_to_hello()
    {
        byte[] wire = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58];

        var (status, header, payload, _, _) = Parse(wire, requireMask: true);

        Assert.Equal(FrameParseStatus.Ok, status);
        Assert.True(header.Masked);
        Assert.Equal(MaskKey, header.MaskKey);
        Assert.Equal(6, header.HeaderLength);
        Assert.Equal(new byte[] { 0x7f, 0x9f, 0x4d, 0x51, 0x58 }, payload);

        var unmasked = new byte[payload.Length];
        WebSocketMask.Unmask(new ReadOnlySequence<byte>(payload), unmasked, header.MaskKey);
        Assert.Equal(_hello, unmasked);
    }

    [Fact]
    public void Writer_with_rfc_mask_key_produces_the_rfc_masked_hello_bytes()
    {
        var writer = new ArrayBufferWriter<byte>();

        WebSocketFrameWriter.Write(writer, WebSocketOpcode.Text, _hello, fin: true, maskKey: MaskKey);

        Assert.Equal(new byte[] { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58 }, writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void BuildFrame_produces_the_rfc_unmasked_hello_bytes()
    {
        var frame = WebSocketFrameWriter.BuildFrame(WebSocketOpcode.Text, _hello);

        Assert.Equal(new byte[] { 0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f }, frame);
    }

    [Fact]
    public void Rfc_fragmented_unmasked_text_reassembles_to_hello()
    {
        byte[] wire = [0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f];
        var assembler = new WebSocketMessageAssembler(1024);
        var buffer = new ReadOnlySequence<byte>(wire);

        Assert.Equal(FrameParseStatus.Ok, WebSocketFrameParser.TryParse(ref buffer, DefaultMaxFrame, false, out var first, out var firstPayload));
        Assert.False(first.Fin);
        Assert.Equal(WebSocketAssemblerResultKind.Incomplete, assembler.ProcessMasked(first, firstPayload).Kind);
        Assert.True(assembler.IsMessageInProgress);

        Assert.Equal(FrameParseStatus.Ok, WebSocketFrameParser.TryParse(ref buffer, DefaultMaxFrame, false, out var second, out var secondPayload));
        Assert.Equal(WebSocketOpcode.Continuation, second.Opcode);
        var result = assembler.ProcessMasked(second, secondPayload);

        Assert.Equal(WebSocketAssemblerResultKind.Message, result.Kind);
        Assert.True(result.IsText);
        Assert.Equal(_hello, result.Payload.ToArray());
        Assert.False(assembler.IsMessageInProgress);
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void A_fragmented_message_survives_the_idle_buffer_release_between_reads()
    {
        // Each fragment arrives in its own read; the connection releases idle buffers after every read.
        byte[] wire = [0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f];
        var assembler = new WebSocketMessageAssembler(1024);
        var buffer = new ReadOnlySequence<byte>(wire);

        Assert.Equal(FrameParseStatus.Ok, WebSocketFrameParser.TryParse(ref buffer, DefaultMaxFrame, false, out var first, out var firstPayload));
        Assert.Equal(WebSocketAssemblerResultKind.Incomplete, assembler.ProcessMasked(first, firstPayload).Kind);
        assembler.ReleaseIdleBuffers();
        Assert.Equal(FrameParseStatus.Ok, WebSocketFrameParser.TryParse(ref buffer, DefaultMaxFrame, false, out var second, out var secondPayload));
        var result = assembler.ProcessMasked(second, secondPayload);

        Assert.Equal(WebSocketAssemblerResultKind.Message, result.Kind);
        Assert.Equal(_hello, result.Payload.ToArray());
    }

    [Fact]
    public void A_released_message_buffer_goes_back_to_the_pool_wiped()
    {
        var secret = Encoding.UTF8.GetBytes("{\"op\":2,\"d\":{\"token\":\"tns_secret-token-value\"}}");
        var assembler = new WebSocketMessageAssembler(64 * 1024);
        var result = Feed(assembler, Frame(WebSocketOpcode.Text, secret, mask: true));
        Assert.Equal(WebSocketAssemblerResultKind.Message, result.Kind);
        Assert.Equal(secret, result.Payload.ToArray());

        assembler.ReleaseIdleBuffers();
        // The pool hands this thread back the array it was just given (its per-thread slot for that size).
        var reused = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            Assert.True(MemoryMarshal.TryGetArray(result.Payload, out var released));
            Assert.Same(released.Array, reused);
            Assert.Equal(-1, reused.AsSpan().IndexOf("tns_secret"u8));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(reused);
        }
    }

    [Fact]
    public void Rfc_unmasked_ping_and_masked_pong_carry_hello()
    {
        var assembler = new WebSocketMessageAssembler(1024);

        var ping = Feed(assembler, [0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f], requireMask: false);
        var pong = Feed(assembler, [0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58], requireMask: true);

        Assert.Equal(WebSocketAssemblerResultKind.Ping, ping.Kind);
        Assert.Equal(WebSocketAssemblerResultKind.Pong, pong.Kind);
        Assert.Equal(_hello, pong.Payload.ToArray());
    }

    [Fact]
    public void Binary_256_byte_frame_uses_16_bit_length_header()
    {
        var header = new byte[WebSocketFrameParser.MaxHeaderLength];

        var written = WebSocketFrameWriter.WriteHeader(header, WebSocketOpcode.Binary, fin: true, 256, maskKey: null);

        Assert.Equal(new byte[] { 0x82, 0x7E, 0x01, 0x00 }, header[..written]);
        var (status, parsed, payload, _, _) = Parse([.. header[..written], .. new byte[256]], requireMask: false);
        Assert.Equal(FrameParseStatus.Ok, status);
        Assert.Equal(256, parsed.PayloadLength);
        Assert.Equal(4, parsed.HeaderLength);
        Assert.Equal(256, payload.Length);
    }

    [Fact]
    public void Binary_64KiB_frame_uses_64_bit_length_header()
    {
        var header = new byte[WebSocketFrameParser.MaxHeaderLength];

        var written = WebSocketFrameWriter.WriteHeader(header, WebSocketOpcode.Binary, fin: true, 65536, maskKey: null);

        Assert.Equal(new byte[] { 0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00 }, header[..written]);
        var (status, parsed, payload, _, _) = Parse([.. header[..written], .. new byte[65536]], requireMask: false);
        Assert.Equal(FrameParseStatus.Ok, status);
        Assert.Equal(65536, parsed.PayloadLength);
        Assert.Equal(10, parsed.HeaderLength);
        Assert.Equal(65536, payload.Length);
    }

    [Theory]
    [InlineData(0, false, 2)]
    [InlineData(125, false, 2)]
    [InlineData(126, false, 4)]
    [InlineData(65535, false, 4)]
    [InlineData(65536, false, 10)]
    [InlineData(0, true, 6)]
    [InlineData(65536, true, 14)]
    public void Header_length_uses_the_minimal_encoding(long payloadLength, bool masked, int expected)
    {
        Assert.Equal(expected, WebSocketFrameWriter.GetHeaderLength(payloadLength, masked));
    }

    // ---- Parser violations ------------------------------------------------------------------

    [Fact]
    public void Unmasked_client_frame_is_a_protocol_error()
    {
        var (status, _, _, error, remaining) = Parse([0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f], requireMask: true);

        Assert.Equal(FrameParseStatus.ProtocolError, status);
        Assert.NotNull(error);
        Assert.Equal(7, remaining);
    }

    [Theory]
    [InlineData(0x40)]
    [InlineData(0x20)]
    [InlineData(0x10)]
    public void Reserved_bit_set_is_a_protocol_error(byte rsvBit)
    {
        var frame = Frame(WebSocketOpcode.Text, _hello, mask: true);
        frame[0] |= rsvBit;

        var (status, _, _, error, _) = Parse(frame);

        Assert.Equal(FrameParseStatus.ProtocolError, status);
        Assert.Contains("§5.2", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x3)]
    [InlineData(0x7)]
    [InlineData(0xB)]
    [InlineData(0xF)]
    public void Reserved_opcode_is_a_protocol_error(byte opcode)
    {
        var frame = Frame((WebSocketOpcode)opcode, [], mask: true);

        Assert.Equal(FrameParseStatus.ProtocolError, Parse(frame).Status);
    }

    [Fact]
    public void Fragmented_ping_is_a_protocol_error()
    {
        var frame = Frame(WebSocketOpcode.Ping, _hello, mask: true, fin: false);

        Assert.Equal(FrameParseStatus.ProtocolError, Parse(frame).Status);
    }

    [Fact]
    public void Ping_with_126_byte_payload_is_a_protocol_error()
    {
        var frame = Frame(WebSocketOpcode.Ping, new byte[126], mask: true);

        Assert.Equal(FrameParseStatus.ProtocolError, Parse(frame).Status);
    }

    [Fact]
    public void Ping_with_125_byte_payload_is_accepted()
    {
        var frame = Frame(WebSocketOpcode.Ping, new byte[125], mask: true);

        Assert.Equal(FrameParseStatus.Ok, Parse(frame).Status);
    }

    [Fact]
    public void Oversized_control_frame_is_rejected_from_its_first_two_bytes()
    {
        // 0x89 = FIN+Ping, 0xFE = MASK + 126 (16-bit length follows): no need to wait for the rest.
        Assert.Equal(FrameParseStatus.ProtocolError, Parse([0x89, 0xFE]).Status);
    }

    [Fact]
    public void Sixty_four_bit_length_with_most_significant_bit_set_is_a_protocol_error()
    {
        byte[] wire = [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4];

        Assert.Equal(FrameParseStatus.ProtocolError, Parse(wire, maxFrame: long.MaxValue).Status);
    }

    [Fact]
    public void Non_minimal_length_encoding_is_accepted()
    {
        byte[] wire = [0x82, 0x7E, 0x00, 0x05, 1, 2, 3, 4, 5];

        var (status, header, payload, _, _) = Parse(wire, requireMask: false);

        Assert.Equal(FrameParseStatus.Ok, status);
        Assert.Equal(5, header.PayloadLength);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, payload);
    }

    [Fact]
    public void Frame_over_the_payload_limit_is_too_big_before_its_payload_arrives()
    {
        var frame = Frame(WebSocketOpcode.Binary, new byte[1000], mask: true);
        var headerOnly = frame[..WebSocketFrameWriter.GetHeaderLength(1000, masked: true)];

        var (status, _, _, error, remaining) = Parse(headerOnly, maxFrame: 999);

        Assert.Equal(FrameParseStatus.TooBig, status);
        Assert.NotNull(error);
        Assert.Equal(headerOnly.Length, remaining);
    }

    [Fact]
    public void Frame_exactly_at_the_payload_limit_is_accepted()
    {
        var frame = Frame(WebSocketOpcode.Binary, new byte[1000], mask: true);

        Assert.Equal(FrameParseStatus.Ok, Parse(frame, maxFrame: 1000).Status);
    }

    [Fact]
    public void Incomplete_frame_needs_more_data_and_leaves_the_buffer_untouched()
    {
        var frame = Frame(WebSocketOpcode.Text, _hello, mask: true);

        var (status, _, _, error, remaining) = Parse(frame[..^1]);

        Assert.Equal(FrameParseStatus.NeedMoreData, status);
        Assert.Null(error);
        Assert.Equal(frame.Length - 1, remaining);
    }

    [Fact]
    public void Ok_advances_the_buffer_to_the_next_frame()
    {
        byte[] wire = [.. Frame(WebSocketOpcode.Text, _hello, mask: true), .. Frame(WebSocketOpcode.Ping, [9], mask: true)];
        var buffer = new ReadOnlySequence<byte>(wire);

        Assert.Equal(FrameParseStatus.Ok, WebSocketFrameParser.TryParse(ref buffer, DefaultMaxFrame, true, out _, out _));
        Assert.Equal(FrameParseStatus.Ok, WebSocketFrameParser.TryParse(ref buffer, DefaultMaxFrame, true, out var second, out _));
        Assert.Equal(WebSocketOpcode.Ping, second.Opcode);
        Assert.Equal(0, buffer.Length);
    }

    // ---- Assembler: fragmentation and limits ------------------------------------------------

    [Fact]
    public void Continuation_without_a_started_message_closes_with_1002()
    {
        var assembler = new WebSocketMessageAssembler(1024);

        var result = Feed(assembler, Frame(WebSocketOpcode.Continuation, _hello, mask: true));

        AssertError(result, 1002);
    }

    [Fact]
    public void Text_frame_inside_an_open_fragmented_message_closes_with_1002()
    {
        var assembler = new WebSocketMessageAssembler(1024);
        Feed(assembler, Frame(WebSocketOpcode.Text, "Hel"u8, mask: true, fin: false));

        var result = Feed(assembler, Frame(WebSocketOpcode.Text, "lo"u8, mask: true));

        AssertError(result, 1002);
    }

    [Fact]
    public void Binary_frame_inside_an_open_fragmented_message_closes_with_1002()
    {
        var assembler = new WebSocketMessageAssembler(1024);
        Feed(assembler, Frame(WebSocketOpcode.Binary, [1], mask: true, fin: false));

        AssertError(Feed(assembler, Frame(WebSocketOpcode.Binary, [2], mask: true)), 1002);
    }

    [Fact]
    public void Control_frames_may_interleave_with_a_fragmented_message()
    {
        var assembler = new WebSocketMessageAssembler(1024);

        var first = Feed(assembler, Frame(WebSocketOpcode.Text, "Hel"u8, mask: true, fin: false));
        var ping = Feed(assembler, Frame(WebSocketOpcode.Ping, "p"u8, mask: true));
        var last = Feed(assembler, Frame(WebSocketOpcode.Continuation, "lo"u8, mask: true));

        Assert.Equal(WebSocketAssemblerResultKind.Incomplete, first.Kind);
        Assert.Equal(WebSocketAssemblerResultKind.Ping, ping.Kind);
        Assert.Equal(WebSocketAssemblerResultKind.Message, last.Kind);
        Assert.Equal(_hello, last.Payload.ToArray());
    }

    [Fact]
    public void Message_over_the_size_limit_across_fragments_closes_with_1009()
    {
        var assembler = new WebSocketMessageAssembler(10);

        var first = Feed(assembler, Frame(WebSocketOpcode.Binary, new byte[6], mask: true, fin: false));
        var second = Feed(assembler, Frame(WebSocketOpcode.Continuation, new byte[5], mask: true));

        Assert.Equal(WebSocketAssemblerResultKind.Incomplete, first.Kind);
        AssertError(second, 1009);
    }

    [Fact]
    public void Message_exactly_at_the_size_limit_across_fragments_is_delivered()
    {
        var assembler = new WebSocketMessageAssembler(10);

        Feed(assembler, Frame(WebSocketOpcode.Binary, new byte[6], mask: true, fin: false));
        var result = Feed(assembler, Frame(WebSocketOpcode.Continuation, new byte[4], mask: true));

        Assert.Equal(WebSocketAssemblerResultKind.Message, result.Kind);
        Assert.False(result.IsText);
        Assert.Equal(10, result.Payload.Length);
    }

    [Fact]
    public void Invalid_utf8_text_closes_with_1007()
    {
        var assembler = new WebSocketMessageAssembler(1024);

        var result = Feed(assembler, Frame(WebSocketOpcode.Text, [0xC3, 0x28], mask: true));

        AssertError(result, 1007);
    }

    [Fact]
    public void Invalid_utf8_in_an_early_fragment_closes_with_1007_when_the_message_completes()
    {
        var assembler = new WebSocketMessageAssembler(1024);

        Feed(assembler, Frame(WebSocketOpcode.Text, [0xFF], mask: true, fin: false));
        var result = Feed(assembler, Frame(WebSocketOpcode.Continuation, "ok"u8, mask: true));

        AssertError(result, 1007);
    }

    [Fact]
    public void Multi_byte_character_split_across_fragments_is_valid_text()
    {
        var assembler = new WebSocketMessageAssembler(1024);
        var euro = "€"u8.ToArray();

        var first = Feed(assembler, Frame(WebSocketOpcode.Text, euro[..1], mask: true, fin: false));
        var result = Feed(assembler, Frame(WebSocketOpcode.Continuation, euro[1..], mask: true));

        Assert.Equal(WebSocketAssemblerResultKind.Incomplete, first.Kind);
        Assert.Equal(WebSocketAssemblerResultKind.Message, result.Kind);
        Assert.True(result.IsText);
        Assert.Equal("€", Encoding.UTF8.GetString(result.Payload.Span));
    }

    [Fact]
    public void Invalid_utf8_is_accepted_in_binary_messages()
    {
        var assembler = new WebSocketMessageAssembler(1024);

        var result = Feed(assembler, Frame(WebSocketOpcode.Binary, [0xFF, 0xFE], mask: true));

        Assert.Equal(WebSocketAssemblerResultKind.Message, result.Kind);
        Assert.Equal(new byte[] { 0xFF, 0xFE }, result.Payload.ToArray());
    }

    [Fact]
    public void Assembler_rejects_a_control_frame_header_that_bypassed_the_parser()
    {
        var assembler = new WebSocketMessageAssembler(1024);
        var header = new WebSocketFrameHeader(false, 0, WebSocketOpcode.Ping, false, 0, 0, 2);

        AssertError(assembler.Process(header, []), 1002);
    }

    // ---- Assembler: close frames ------------------------------------------------------------

    [Fact]
    public void Close_with_one_byte_payload_closes_with_1002()
    {
        var assembler = new WebSocketMessageAssembler(1024);

        AssertError(Feed(assembler, Frame(WebSocketOpcode.Close, [0x03], mask: true)), 1002);
    }

    [Fact]
    public void Empty_close_is_reported_as_1005_no_status()
    {
        var assembler = new WebSocketMessageAssembler(1024);

        var result = Feed(assembler, Frame(WebSocketOpcode.Close, [], mask: true));

        Assert.Equal(WebSocketAssemblerResultKind.Close, result.Kind);
        Assert.Equal(1005, result.CloseCode);
        Assert.Equal(string.Empty, result.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1012)]
    [InlineData(1015)]
    [InlineData(2999)]
    [InlineData(5000)]
    [InlineData(65535)]
    public void Close_with_invalid_code_closes_with_1002(int code)
    {
        var assembler = new WebSocketMessageAssembler(1024);

        var result = Feed(assembler, Frame(WebSocketOpcode.Close, WebSocketFrameWriter.BuildClosePayload(code, "x"), mask: true));

        AssertError(result, 1002);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1011)]
    [InlineData(3000)]
    [InlineData(4999)]
    public void Close_with_valid_code_reports_code_and_reason(int code)
    {
        var assembler = new WebSocketMessageAssembler(1024);

        var result = Feed(assembler, Frame(WebSocketOpcode.Close, WebSocketFrameWriter.BuildClosePayload(code, "bye ✓"), mask: true));

        Assert.Equal(WebSocketAssemblerResultKind.Close, result.Kind);
        Assert.Equal(code, result.CloseCode);
        Assert.Equal("bye ✓", result.Reason);
    }

    [Fact]
    public void Close_with_invalid_utf8_reason_closes_with_1007()
    {
        var assembler = new WebSocketMessageAssembler(1024);

        var result = Feed(assembler, Frame(WebSocketOpcode.Close, [0x03, 0xE8, 0xC3, 0x28], mask: true));

        AssertError(result, 1007);
    }

    [Fact]
    public void Close_payload_has_big_endian_code_then_utf8_reason()
    {
        var payload = WebSocketFrameWriter.BuildClosePayload(1001, "é");

        Assert.Equal(new byte[] { 0x03, 0xE9, 0xC3, 0xA9 }, payload);
    }

    [Fact]
    public void Close_payload_truncates_long_reason_on_a_code_point_boundary()
    {
        // 40 four-byte emoji = 160 bytes; 123 bytes of room fit 30 whole ones (120 bytes).
        var reason = string.Concat(Enumerable.Repeat("😀", 40));

        var payload = WebSocketFrameWriter.BuildClosePayload(1000, reason);

        Assert.Equal(2 + 120, payload.Length);
        Assert.Equal(string.Concat(Enumerable.Repeat("😀", 30)), Encoding.UTF8.GetString(payload.AsSpan(2)));
    }

    // ---- Writer -----------------------------------------------------------------------------

    [Fact]
    public void Masked_write_does_not_modify_the_source_payload()
    {
        var payload = _hello.ToArray();

        WebSocketFrameWriter.Write(new ArrayBufferWriter<byte>(), WebSocketOpcode.Text, payload, maskKey: MaskKey);

        Assert.Equal(_hello, payload);
    }

    [Fact]
    public void Masked_write_into_small_buffer_chunks_matches_a_single_write()
    {
        var payload = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var expected = new ArrayBufferWriter<byte>();
        WebSocketFrameWriter.Write(expected, WebSocketOpcode.Binary, payload, maskKey: MaskKey);

        var chunked = new ChunkedBufferWriter(7);
        WebSocketFrameWriter.Write(chunked, WebSocketOpcode.Binary, payload, maskKey: MaskKey);

        Assert.Equal(expected.WrittenSpan.ToArray(), chunked.ToArray());
    }

    // ---- Handshake --------------------------------------------------------------------------

    [Fact]
    public void Accept_for_the_rfc_sample_key_matches_section_1_3()
    {
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketHandshake.ComputeAccept("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    [Fact]
    public void Rfc_sample_key_is_valid()
    {
        Assert.True(WebSocketHandshake.IsValidKey("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("dGhlIHNhbXBsZSBub25jZQ")]          // unpadded
    [InlineData("dGhlIHNhbXBsZSBub25jZQ==  ")]      // trailing whitespace is the HTTP layer's job
    [InlineData("dGhlIHNhbXBsZSBub25jZSE=")]        // 17 bytes
    [InlineData("dGhlIHNhbXBsZSBub25j")]            // 15 bytes
    [InlineData("dGhlIHNhbXBsZSBub25jZ$==")]        // not base64
    public void Key_that_is_not_base64_of_16_bytes_is_invalid(string? key)
    {
        Assert.False(WebSocketHandshake.IsValidKey(key));
    }

    // ---- Helpers ----------------------------------------------------------------------------

    private static byte[] Frame(WebSocketOpcode opcode, ReadOnlySpan<byte> payload, bool mask, bool fin = true)
    {
        var writer = new ArrayBufferWriter<byte>();
        WebSocketFrameWriter.Write(writer, opcode, payload, fin, mask ? MaskKey : null);
        return writer.WrittenSpan.ToArray();
    }

    private static (FrameParseStatus Status, WebSocketFrameHeader Header, byte[] Payload, string? Error, long Remaining) Parse(
        byte[] wire, bool requireMask = true, long maxFrame = DefaultMaxFrame)
    {
        var buffer = new ReadOnlySequence<byte>(wire);
        var status = WebSocketFrameParser.TryParse(ref buffer, maxFrame, requireMask, out var header, out var payload, out var error);
        return (status, header, payload.ToArray(), error, buffer.Length);
    }

    private static WebSocketAssemblerResult Feed(WebSocketMessageAssembler assembler, byte[] wire, bool requireMask = true)
    {
        var buffer = new ReadOnlySequence<byte>(wire);
        var status = WebSocketFrameParser.TryParse(ref buffer, DefaultMaxFrame, requireMask, out var header, out var payload);
        Assert.Equal(FrameParseStatus.Ok, status);
        return assembler.ProcessMasked(header, payload);
    }

    private static void AssertError(WebSocketAssemblerResult result, int closeCode)
    {
        Assert.Equal(WebSocketAssemblerResultKind.Error, result.Kind);
        Assert.Equal(closeCode, result.CloseCode);
        Assert.False(string.IsNullOrEmpty(result.Reason));
        Assert.True(Encoding.UTF8.GetByteCount(result.Reason) <= WebSocketFrameWriter.MaxCloseReasonBytes);
    }

    /// <summary>An <see cref="IBufferWriter{T}"/> that never offers more than a few bytes, like a fragmented pipe.</summary>
    private sealed class ChunkedBufferWriter(int chunkSize) : IBufferWriter<byte>
    {
        private readonly List<byte> _written = [];
        private byte[] _current = [];

        public void Advance(int count) => _written.AddRange(_current.AsSpan(0, count));

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            _current = new byte[Math.Max(sizeHint, chunkSize)];
            return _current;
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public byte[] ToArray() => [.. _written];
    }
}
