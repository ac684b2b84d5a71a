using Tanager.Protocol;
using Tanager.Tests.Infrastructure;
using Tanager.Transport.WebSockets.Internal;

namespace Tanager.Tests;

/// <summary>Broken client input gets the RFC 6455 or documented close code, and the server carries on serving others.</summary>
public sealed class MalformedInputTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, int> Cases => new()
    {
        { "unmasked client frame", GatewayCloseCodes.ProtocolError },
        { "reserved opcode 3", GatewayCloseCodes.ProtocolError },
        { "reserved control opcode 0xB", GatewayCloseCodes.ProtocolError },
        { "RSV1 bit without an extension", GatewayCloseCodes.ProtocolError },
        { "oversized frame", GatewayCloseCodes.MessageTooBig },
        { "oversized fragmented message", GatewayCloseCodes.MessageTooBig },
        { "invalid UTF-8 in a text frame", GatewayCloseCodes.InvalidPayload },
        { "fragmented ping", GatewayCloseCodes.ProtocolError },
        { "continuation without a start", GatewayCloseCodes.ProtocolError },
        { "binary frame", GatewayCloseCodes.UnsupportedData },
        { "garbage JSON", GatewayCloseCodes.DecodeError },
        { "JSON that is not an envelope", GatewayCloseCodes.DecodeError },
        { "unknown op", GatewayCloseCodes.UnknownOp },
        { "server-only op", GatewayCloseCodes.UnknownOp },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Malformed_input_gets_its_close_code_and_the_server_keeps_serving(string input, int expectedCode)
    {
        var user = await _server.NewUserAsync();
        await using (var client = await RawGatewayClient.ConnectAsync(_server.Url))
        {
            await client.IdentifyAsync(user.Token!);
            await SendAsync(client, input);
            Assert.Equal(expectedCode, await client.ReadCloseCodeAsync().Within());
        }

        // The same server still answers a well-behaved client.
        await using var next = await RawGatewayClient.ConnectAsync(_server.Url);
        var ready = await next.IdentifyAsync(user.Token!).Within();
        Assert.Contains("READY", ready.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"op\":2}")]
    [InlineData("{\"op\":2,\"d\":\"token\"}")]
    [InlineData("{\"op\":2,\"d\":{\"token\":42}}")]
    public async Task IDENTIFY_without_a_token_object_is_closed_with_4002(string identify)
    {
        await using var client = await RawGatewayClient.ConnectAsync(_server.Url);
        await client.ReadFrameAsync();
        await client.SendTextAsync(identify);
        Assert.Equal(GatewayCloseCodes.DecodeError, await client.ReadCloseCodeAsync().Within());
    }

    [Fact]
    public async Task A_connection_that_never_identifies_is_closed_with_4009()
    {
        await using var server = await TestServer.StartAsync(o => o.Gateway.IdentifyTimeout = TimeSpan.FromSeconds(1));
        await using var client = await RawGatewayClient.ConnectAsync(server.Url);
        await client.ReadFrameAsync();
        Assert.Equal(GatewayCloseCodes.SessionTimedOut, await client.ReadCloseCodeAsync().Within());
    }

    [Fact]
    public async Task A_silent_identified_connection_is_closed_with_4009_after_two_heartbeat_intervals()
    {
        await using var server = await TestServer.StartAsync(o => o.Gateway.HeartbeatInterval = TimeSpan.FromSeconds(1));
        var user = await server.NewUserAsync();
        await using var client = await RawGatewayClient.ConnectAsync(server.Url);
        await client.IdentifyAsync(user.Token!);
        Assert.Equal(GatewayCloseCodes.SessionTimedOut, await client.ReadCloseCodeAsync().Within());
    }

    private static async Task SendAsync(RawGatewayClient client, string input)
    {
        var tooBig = new byte[70 * 1024];
        Array.Fill(tooBig, (byte)'a');
        switch (input)
        {
            case "unmasked client frame":
                await client.SendFrameAsync(WebSocketOpcode.Text, "{\"op\":1}"u8.ToArray(), masked: false);
                break;
            case "reserved opcode 3":
                await client.SendFrameAsync((WebSocketOpcode)3, "x"u8.ToArray());
                break;
            case "reserved control opcode 0xB":
                await client.SendFrameAsync((WebSocketOpcode)0xB, "x"u8.ToArray());
                break;
            case "RSV1 bit without an extension":
                var frame = new System.Buffers.ArrayBufferWriter<byte>();
                WebSocketFrameWriter.Write(frame, WebSocketOpcode.Text, "{\"op\":1}"u8, true, 0x12345678);
                var bytes = frame.WrittenSpan.ToArray();
                bytes[0] |= 0x40;
                await client.SendRawAsync(bytes);
                break;
            case "oversized frame":
                await client.SendFrameAsync(WebSocketOpcode.Text, tooBig);
                break;
            case "oversized fragmented message":
                await client.SendFrameAsync(WebSocketOpcode.Text, tooBig.AsMemory(0, 40 * 1024), fin: false);
                await client.SendFrameAsync(WebSocketOpcode.Continuation, tooBig.AsMemory(0, 40 * 1024));
                break;
            case "invalid UTF-8 in a text frame":
                await client.SendFrameAsync(WebSocketOpcode.Text, new byte[] { (byte)'{', 0xC3, 0x28, (byte)'}' });
                break;
            case "fragmented ping":
                await client.SendFrameAsync(WebSocketOpcode.Ping, "x"u8.ToArray(), fin: false);
                break;
            case "continuation without a start":
                await client.SendFrameAsync(WebSocketOpcode.Continuation, "x"u8.ToArray());
                break;
            case "binary frame":
                await client.SendFrameAsync(WebSocketOpcode.Binary, "{\"op\":1}"u8.ToArray());
                break;
            case "garbage JSON":
                await client.SendTextAsync("this is not json {");
                break;
            case "JSON that is not an envelope":
                await client.SendTextAsync("[1,2,3]");
                break;
            case "unknown op":
                await client.SendTextAsync("{\"op\":99}");
                break;
            case "server-only op":
                await client.SendTextAsync("{\"op\":0,\"t\":\"MESSAGE_CREATE\",\"d\":{}}");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(input), input, "No such case.");
        }
    }
}
