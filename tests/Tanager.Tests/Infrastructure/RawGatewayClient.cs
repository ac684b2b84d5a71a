using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Tanager.Protocol;
using Tanager.Transport.WebSockets.Internal;

namespace Tanager.Tests.Infrastructure;

/// <summary>A byte-level WebSocket client for tests that need to see raw frames or send broken ones.</summary>
internal sealed class RawGatewayClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;

    private RawGatewayClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = PipeReader.Create(_stream);
    }

    public record Frame(WebSocketOpcode Opcode, bool Fin, byte[] Payload, byte[] Raw)
    {
        public string Text => Encoding.UTF8.GetString(Payload);
        public int CloseCode => Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : 1005;
    }

    /// <param name="receiveBuffer">A small kernel receive buffer makes a client that stops reading stall the server sooner.</param>
    public static async Task<RawGatewayClient> ConnectAsync(Uri server, int? receiveBuffer = null)
    {
        var tcp = new TcpClient();
        if (receiveBuffer is { } size)
        {
            tcp.ReceiveBufferSize = size;
        }
        await tcp.ConnectAsync(server.Host, server.Port);
        var client = new RawGatewayClient(tcp);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET {server.AbsolutePath}gateway HTTP/1.1\r\nHost: {server.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await client._stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var head = await client.ReadHeadAsync();
        if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal) || !head.Contains("Sec-WebSocket-Accept: " + WebSocketHandshake.ComputeAccept(key), StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("Handshake failed: " + head);
        }
        return client;
    }

    public Task SendTextAsync(string json) => SendFrameAsync(WebSocketOpcode.Text, Encoding.UTF8.GetBytes(json));

    public async Task SendFrameAsync(WebSocketOpcode opcode, ReadOnlyMemory<byte> payload, bool fin = true, bool masked = true)
    {
        var buffer = new ArrayBufferWriter<byte>();
        WebSocketFrameWriter.Write(buffer, opcode, payload.Span, fin, masked ? RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue) : null);
        await SendRawAsync(buffer.WrittenMemory);
    }

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Reads HELLO, identifies, and reads up to READY (returned).</summary>
    public async Task<Frame> IdentifyAsync(string token)
    {
        var hello = await ReadFrameAsync();
        if (!hello.Text.Contains("\"op\":10", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Expected HELLO, got " + hello.Text);
        }
        await SendTextAsync(Encoding.UTF8.GetString(GatewayEnvelope.Serialize(GatewayOpCode.Identify, null, new IdentifyData { Token = token }, TanagerJsonContext.Default.IdentifyData)));
        return await ReadDispatchAsync(GatewayEvents.Ready);
    }

    /// <summary>Reads frames until a DISPATCH of <paramref name="eventName"/>.</summary>
    public async Task<Frame> ReadDispatchAsync(string eventName)
    {
        while (true)
        {
            var frame = await ReadFrameAsync();
            if (frame.Opcode == WebSocketOpcode.Close)
            {
                throw new InvalidOperationException($"Closed with {frame.CloseCode} while waiting for {eventName}.");
            }
            if (frame.Text.Contains($"\"t\":\"{eventName}\"", StringComparison.Ordinal))
            {
                return frame;
            }
        }
    }

    /// <summary>Reads frames until the server's close frame and returns its code; null if the connection ended without one.</summary>
    public async Task<int?> ReadCloseCodeAsync()
    {
        try
        {
            while (true)
            {
                var frame = await ReadFrameAsync();
                if (frame.Opcode == WebSocketOpcode.Close)
                {
                    return frame.CloseCode;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or EndOfStreamException or SocketException)
        {
            return null;
        }
    }

    public async Task<Frame> ReadFrameAsync()
    {
        while (true)
        {
            var result = await _reader.ReadAsync();
            var buffer = result.Buffer;
            var start = buffer;
            var status = WebSocketFrameParser.TryParse(ref buffer, long.MaxValue, requireMask: false, out var header, out var payload, out var error);
            if (status == FrameParseStatus.Ok)
            {
                var raw = start.Slice(0, header.HeaderLength + header.PayloadLength).ToArray();
                var frame = new Frame(header.Opcode, header.Fin, payload.ToArray(), raw);
                _reader.AdvanceTo(buffer.Start);
                return frame;
            }
            if (status != FrameParseStatus.NeedMoreData)
            {
                throw new InvalidOperationException("Server sent an invalid frame: " + error);
            }
            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new EndOfStreamException("The server closed the connection.");
            }
        }
    }

    private async Task<string> ReadHeadAsync()
    {
        while (true)
        {
            var result = await _reader.ReadAsync();
            var buffer = result.Buffer;
            if (FindBlankLine(buffer) is { } blank)
            {
                var head = buffer.Slice(0, buffer.GetPosition(1, blank));
                var text = Encoding.ASCII.GetString(head.ToArray());
                _reader.AdvanceTo(head.End);
                return text;
            }
            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new EndOfStreamException("Connection closed during the handshake.");
            }
        }
    }

    private static SequencePosition? FindBlankLine(ReadOnlySequence<byte> buffer)
    {
        var bytes = buffer.ToArray();
        for (var i = 3; i < bytes.Length; i++)
        {
            if (bytes[i - 3] == '\r' && bytes[i - 2] == '\n' && bytes[i - 1] == '\r' && bytes[i] == '\n')
            {
                return buffer.GetPosition(i);
            }
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync();
        _tcp.Dispose();
    }
}
