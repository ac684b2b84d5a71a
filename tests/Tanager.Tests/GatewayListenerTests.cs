using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Tanager.Server;
using Tanager.Tests.Infrastructure;
using Tanager.Transport.WebSockets.Internal;

namespace Tanager.Tests;

/// <summary>
/// The reference server serves the gateway straight from the connection (<c>UseTanagerGateway</c>) and everything else
/// through Kestrel's HTTP layer, on one port. These tests speak raw TCP to see which of the two answered: only the HTTP
/// layer adds a <c>Server</c> header.
/// </summary>
public sealed class GatewayListenerTests : IAsyncLifetime
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(
        new ServerSettings(new Uri("http://127.0.0.1:0"), InMemory: true),
        services: s => s.Configure<KestrelServerOptions>(o => o.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(2)));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string Upgrade(string path = "/gateway") =>
        $"GET {path} HTTP/1.1\r\nHost: {_server.Url.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {Key}\r\n\r\n";

    /// <summary>Sends the request in the given pieces, pausing between them so each arrives as its own read.</summary>
    private async Task<(string Head, string Body, NetworkStream Stream, TcpClient Tcp)> SendInPiecesAsync(params string[] pieces)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(_server.Url.Host, _server.Url.Port);
        var stream = tcp.GetStream();
        foreach (var piece in pieces)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(piece));
            await Task.Delay(100);
        }
        var (head, body) = await ReadResponseAsync(stream);
        return (head, body, stream, tcp);
    }

    /// <summary>Reads a response head, then its body: by Content-Length, chunked, or none (a 101).</summary>
    private static async Task<(string Head, string Body)> ReadResponseAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var head = await ReadUntilAsync(stream, "\r\n\r\n", timeout.Token);
        var lines = head.Split("\r\n");
        if (lines.FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) is { } lengthLine)
        {
            var body = new byte[int.Parse(lengthLine["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture)];
            await stream.ReadExactlyAsync(body, timeout.Token);
            return (head, Encoding.UTF8.GetString(body));
        }
        if (!lines.Any(l => l.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)))
        {
            return (head, "");
        }
        var chunks = new StringBuilder();
        while (true)
        {
            var size = int.Parse((await ReadUntilAsync(stream, "\r\n", timeout.Token)).TrimEnd(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var chunk = new byte[size + 2];
            await stream.ReadExactlyAsync(chunk, timeout.Token);
            if (size == 0)
            {
                return (head, chunks.ToString());
            }
            chunks.Append(Encoding.UTF8.GetString(chunk, 0, size));
        }
    }

    private static async Task<string> ReadUntilAsync(NetworkStream stream, string end, CancellationToken cancellationToken)
    {
        var received = new StringBuilder();
        var one = new byte[1];
        while (!received.ToString().EndsWith(end, StringComparison.Ordinal))
        {
            Assert.Equal(1, await stream.ReadAsync(one, cancellationToken));
            received.Append((char)one[0]);
        }
        return received.ToString();
    }

    [Fact]
    public async Task A_gateway_upgrade_arriving_in_pieces_is_served_from_the_connection_and_says_HELLO()
    {
        var upgrade = Upgrade();
        var (head, _, stream, tcp) = await SendInPiecesAsync(upgrade[..7], upgrade[7..40], upgrade[40..]);
        using (tcp)
        {
            Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", head, StringComparison.Ordinal);
            Assert.Contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", head, StringComparison.Ordinal);
            Assert.DoesNotContain("Server:", head, StringComparison.OrdinalIgnoreCase);
            // The first frame is HELLO (op 10), unmasked text from the server.
            var frame = new byte[2];
            await stream.ReadExactlyAsync(frame);
            Assert.Equal(0x81, frame[0]);
            var payload = new byte[frame[1] & 0x7F];
            await stream.ReadExactlyAsync(payload);
            Assert.Contains("\"op\":10", Encoding.UTF8.GetString(payload), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Identified_sessions_on_the_direct_path_receive_dispatches()
    {
        var room = await ChatRoom.CreateAsync(_server, members: 1);
        await using var raw = await RawGatewayClient.ConnectAsync(_server.Url);
        await raw.IdentifyAsync(room.Members[0].Token!);
        await room.PostAsync("over the direct path");
        var created = await raw.ReadDispatchAsync("MESSAGE_CREATE");
        Assert.Contains("over the direct path", created.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET /gateway HTTP/1.1\r\nHost: x\r\n\r\n", 400, "invalid_request")]      // no Upgrade: the endpoint's problem
    [InlineData("GET /gateway-other HTTP/1.1\r\nHost: x\r\n\r\n", 404, "\"status\":404")]
    [InlineData("GET /health HTTP/1.1\r\nHost: x\r\n\r\n", 200, "\"status\":\"ok\"")]
    public async Task Anything_else_gets_the_HTTP_servers_usual_answer_even_after_a_split_sniff(string request, int status, string bodyContains)
    {
        // The first piece ("GET /gat") could still be the gateway, so the listener must wait, then hand over every byte
        // (/health is decided at its fifth byte, the other two only after the wait).
        var (head, body, _, tcp) = await SendInPiecesAsync(request[..8], request[8..]);
        using (tcp)
        {
            Assert.StartsWith($"HTTP/1.1 {status} ", head, StringComparison.Ordinal);
            Assert.Contains("Server: Kestrel", head, StringComparison.Ordinal);
            Assert.Contains(bodyContains, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_close_from_the_server_waits_for_the_client_s_reply_and_then_ends_cleanly()
    {
        var (head, _, stream, tcp) = await SendInPiecesAsync(Upgrade());
        using (tcp)
        {
            Assert.DoesNotContain("Server:", head, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("\"op\":10", Encoding.UTF8.GetString((await ReadServerFrameAsync(stream)).Payload), StringComparison.Ordinal);
            // A token that does not exist: the server closes the connection.
            await SendMaskedAsync(stream, WebSocketOpcode.Text, "{\"op\":2,\"d\":{\"token\":\"tns_no-such-token\"}}"u8.ToArray());
            (WebSocketOpcode Opcode, byte[] Payload) frame;
            do
            {
                frame = await ReadServerFrameAsync(stream);
            }
            while (frame.Opcode != WebSocketOpcode.Close);

            // RFC 6455 §7.1.1: the server waits for the client's Close before it ends TCP. It used to shut the socket at
            // once, so the client's reply met a closed socket (and a reset could drop frames still unsent).
            var early = stream.ReadAsync(new byte[1]).AsTask();
            Assert.NotSame(early, await Task.WhenAny(early, Task.Delay(TimeSpan.FromMilliseconds(500))));
            await SendMaskedAsync(stream, WebSocketOpcode.Close, [0x03, 0xE8]);
            Assert.Equal(0, await early.WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }

    private static async Task SendMaskedAsync(NetworkStream stream, WebSocketOpcode opcode, byte[] payload)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        WebSocketFrameWriter.Write(buffer, opcode, payload, fin: true, maskKey: 0x3D21FA37);
        await stream.WriteAsync(buffer.WrittenMemory);
    }

    /// <summary>Reads one unmasked server frame (payloads under 64 KiB).</summary>
    private static async Task<(WebSocketOpcode Opcode, byte[] Payload)> ReadServerFrameAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var header = new byte[2];
        await stream.ReadExactlyAsync(header, timeout.Token);
        int length = header[1] & 0x7F;
        if (length == 126)
        {
            var extended = new byte[2];
            await stream.ReadExactlyAsync(extended, timeout.Token);
            length = (extended[0] << 8) | extended[1];
        }
        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, timeout.Token);
        return ((WebSocketOpcode)(header[0] & 0x0F), payload);
    }

    [Fact]
    public async Task An_upgrade_after_another_request_on_the_same_connection_still_works_through_HTTP()
    {
        var (head, _, stream, tcp) = await SendInPiecesAsync($"GET /health HTTP/1.1\r\nHost: {_server.Url.Authority}\r\n\r\n");
        using (tcp)
        {
            Assert.StartsWith("HTTP/1.1 200 ", head, StringComparison.Ordinal);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(Upgrade()));
            var (upgraded, _) = await ReadResponseAsync(stream);
            Assert.StartsWith("HTTP/1.1 101 ", upgraded, StringComparison.Ordinal);
            Assert.Contains("Server: Kestrel", upgraded, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_connection_that_never_finishes_its_request_head_is_dropped_after_the_header_timeout()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_server.Url.Host, _server.Url.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync("GET /gateway HTTP/1.1\r\nHost: x\r\n"u8.ToArray());
        // Dropped means the connection ends: a clean end of stream or a reset, with no response.
        var buffer = new byte[256];
        var ended = await Record.ExceptionAsync(async () => Assert.Equal(0, await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(15))));
        Assert.True(ended is null or IOException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionReset } }, ended?.ToString());
    }
}
