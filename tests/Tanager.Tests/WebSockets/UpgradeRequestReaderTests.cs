using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Tanager.Transport.WebSockets.Internal;

namespace Tanager.Tests.WebSockets;

public sealed class UpgradeRequestReaderTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";
    private const string ValidHead =
        "GET /gateway HTTP/1.1\r\nHost: chat.example\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n" +
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Key + "\r\n\r\n";

    private static UpgradeSniff Examine(string text, out long headLength, out string? accept, string path = "/gateway") =>
        UpgradeRequestReader.Examine(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(text)), path, out headLength, out accept);

    private static UpgradeSniff Examine(string text) => Examine(text, out _, out _);

    [Fact]
    public void A_valid_upgrade_is_taken_with_the_RFC_6455_accept_value_and_its_head_length_only()
    {
        Assert.Equal(UpgradeSniff.Gateway, Examine(ValidHead + "\x81\x85", out var length, out var accept));
        Assert.Equal(ValidHead.Length, length);
        // RFC 6455 §1.3's worked example.
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", accept);
    }

    [Theory]
    [InlineData("GET /gateway?v=1&encoding=json HTTP/1.1")]
    [InlineData("GET /GATEWAY HTTP/1.1")]
    public void Query_strings_and_path_case_are_accepted_as_routing_accepts_them(string requestLine) =>
        Assert.Equal(UpgradeSniff.Gateway, Examine(ValidHead.Replace("GET /gateway HTTP/1.1", requestLine, StringComparison.Ordinal)));

    [Theory]
    [InlineData("P")]
    [InlineData("POST /gateway HTTP/1.1\r\n")]
    [InlineData("GET /api/v1/users/@me HTTP/1.1\r\n")]
    [InlineData("GET /gatewayx HTTP/1.1\r\n")]
    [InlineData("GET /gateway/ HTTP/1.1\r\n")]
    [InlineData("GET http://chat.example/gateway HTTP/1.1\r\n")]
    [InlineData("PRI * HTTP/2.0\r\n")]
    public void Any_other_request_is_handed_on_at_the_first_byte_that_differs(string start) =>
        Assert.Equal(UpgradeSniff.NotGateway, Examine(start));

    [Theory]
    [InlineData("")]
    [InlineData("GET /gate")]
    [InlineData("GET /gateway")]
    [InlineData("GET /gateway HTTP/1.1\r\nHost: chat.example\r\n")]
    public void An_incomplete_head_that_could_still_be_the_gateway_needs_more(string start) =>
        Assert.Equal(UpgradeSniff.NeedMore, Examine(start));

    [Theory]
    [InlineData("HTTP/1.1\r\nHost", "HTTP/1.0\r\nHost")]                                     // not HTTP/1.1
    [InlineData("HTTP/1.1\r\n", "HTTP/1.1 \r\n")]                                            // junk after the version
    [InlineData("Host: chat.example\r\n", "")]                                               // no Host
    [InlineData("Host: chat.example\r\n", "Host: a\r\nHost: b\r\n")]                         // two Hosts
    [InlineData("Upgrade: websocket", "Upgrade: h2c")]                                       // not a WebSocket upgrade
    [InlineData("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8")]
    [InlineData("Sec-WebSocket-Key: " + Key, "Sec-WebSocket-Key: short")]
    [InlineData("Sec-WebSocket-Key: " + Key + "\r\n", "Sec-WebSocket-Key: " + Key + "\r\nSec-WebSocket-Key: " + Key + "\r\n")]
    [InlineData("Host: chat.example\r\n", "Host: chat.example\r\nContent-Length: 5\r\n")]    // a body
    [InlineData("Host: chat.example\r\n", "Host: chat.example\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("Host: chat.example\r\n", "Host: chat.example\r\n Folded: line\r\n")]         // obsolete line folding
    [InlineData("Host: chat.example\r\n", "Host: chat.\u00e9xample\r\n")]                     // not ASCII
    [InlineData("Host: chat.example\r\n", "Host: chat.example\r\nBad Name: x\r\n")]
    [InlineData("Host: chat.example\r\n", "Host: chat.example\r\nNoColon\r\n")]
    [InlineData("GET /gateway HTTP", "GET /gateway?a\u0001b HTTP")]                           // control character in the query
    public void A_complete_head_that_is_not_a_strict_valid_upgrade_is_handed_on(string replace, string with) =>
        Assert.Equal(UpgradeSniff.NotGateway, Examine(ValidHead.Replace(replace, with, StringComparison.Ordinal)));

    [Fact]
    public void A_head_over_the_limit_is_handed_on_complete_or_not()
    {
        var padding = "X-Padding: " + new string('a', UpgradeRequestReader.MaxHeadBytes) + "\r\n";
        Assert.Equal(UpgradeSniff.NotGateway, Examine(ValidHead.Replace("Host:", padding + "Host:", StringComparison.Ordinal)));
        Assert.Equal(UpgradeSniff.NotGateway, Examine("GET /gateway HTTP/1.1\r\n" + padding));
    }

    [Fact]
    public void A_prefixed_path_is_matched_whole()
    {
        Assert.Equal(UpgradeSniff.Gateway, Examine(ValidHead.Replace("GET /gateway", "GET /chat/gateway", StringComparison.Ordinal), out _, out _, "/chat/gateway"));
        Assert.Equal(UpgradeSniff.NotGateway, Examine(ValidHead, out _, out _, "/chat/gateway"));
    }

    [Fact]
    public async Task The_HTTP_server_reads_every_byte_the_sniff_looked_at_even_when_it_examines_less()
    {
        var pipe = new Pipe();
        var request = "GET /gateway-not HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray();
        // The sniff reads a first piece that could still be the gateway and waits for more, as the listener does.
        await pipe.Writer.WriteAsync(request.AsMemory(0, 9));
        var first = await pipe.Reader.ReadAsync();
        Assert.Equal(UpgradeSniff.NeedMore, UpgradeRequestReader.Examine(first.Buffer, "/gateway", out _, out _));
        pipe.Reader.AdvanceTo(first.Buffer.Start, first.Buffer.End);
        await pipe.Writer.WriteAsync(request.AsMemory(9, 9));
        var second = await pipe.Reader.ReadAsync();
        Assert.Equal(UpgradeSniff.NotGateway, UpgradeRequestReader.Examine(second.Buffer, "/gateway", out _, out _));
        pipe.Reader.AdvanceTo(second.Buffer.Start, second.Buffer.End);
        var reader = new ReplayingPipeReader(pipe.Reader, second.Buffer, completed: false);

        // A consumer that takes one byte at a time and examines only that byte: without the replay it would wait for
        // bytes that have already arrived (and the pipe would refuse its examined position).
        var read = new List<byte>();
        var writeRest = Task.Run(async () =>
        {
            await Task.Delay(50);
            await pipe.Writer.WriteAsync(request.AsMemory(18));
            await pipe.Writer.CompleteAsync();
        });
        while (true)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (result.Buffer.IsEmpty && result.IsCompleted)
            {
                break;
            }
            read.Add(result.Buffer.FirstSpan[0]);
            var next = result.Buffer.GetPosition(1);
            reader.AdvanceTo(next, next);
        }
        await writeRest;
        Assert.Equal(request, read.ToArray());
    }

    [Fact]
    public async Task A_consumer_that_examines_everything_waits_for_new_bytes_as_on_the_plain_pipe()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync("GET /gat"u8.ToArray());
        var first = await pipe.Reader.ReadAsync();
        pipe.Reader.AdvanceTo(first.Buffer.Start, first.Buffer.End);
        var reader = new ReplayingPipeReader(pipe.Reader, first.Buffer, completed: false);

        var replayed = await reader.ReadAsync();
        Assert.Equal("GET /gat", Encoding.ASCII.GetString(replayed.Buffer));
        reader.AdvanceTo(replayed.Buffer.Start, replayed.Buffer.End);
        var pending = reader.ReadAsync().AsTask();
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);
        await pipe.Writer.WriteAsync("x"u8.ToArray());
        var more = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("GET /gatx", Encoding.ASCII.GetString(more.Buffer));
    }
}
