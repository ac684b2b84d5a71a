using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;
using Tanager.Transport.WebSockets.Internal;
using Xunit.Abstractions;

namespace Tanager.Tests.Fuzz;

/// <summary>
/// Issue 12, Done-when #4 (gateway half): raw WebSocket connections send generated frames (each case 1–5 of them, on a
/// fresh connection or the one the case before left open). After each case the connection has either answered a ping
/// (it keeps going; ERROR ops and dispatches on the way are fine) or closed with a close code of docs/protocol.md §7,
/// within <see cref="AnswerTimeout"/>; after a close a new connection still identifies, /health answers, and the log
/// holds no crash. Four lanes (<see cref="FuzzRun.Lanes"/>) run at once, each with its own connection.
/// </summary>
public sealed class GatewayFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int DefaultCases = 10_000;
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Close codes the server may answer a client with (docs/protocol.md §7). 1011 is documented for a store or
    /// subscription failure, which client input must never cause; 1000 only answers a client's own Close.
    /// </summary>
    private static readonly HashSet<int> Documented =
    [
        GatewayCloseCodes.GoingAway, GatewayCloseCodes.ProtocolError, GatewayCloseCodes.UnsupportedData, GatewayCloseCodes.InvalidPayload,
        GatewayCloseCodes.MessageTooBig, GatewayCloseCodes.UnknownOp, GatewayCloseCodes.DecodeError, GatewayCloseCodes.NotAuthenticated,
        GatewayCloseCodes.AuthenticationFailed, GatewayCloseCodes.AlreadyAuthenticated, GatewayCloseCodes.RateLimited, GatewayCloseCodes.SessionTimedOut,
        GatewayCloseCodes.SlowConsumer,
    ];

    private readonly CapturedLog _log = new();
    private readonly Dictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private TestServer _server = null!;
    private HttpClient _http = null!;
    private RestWorld _world = null!;
    private int _run;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(TestServer.InMemorySettings(), services: s => s.AddSingleton<ILoggerProvider>(_log));
        _http = new HttpClient();
        _world = await RestWorld.CreateAsync(_http, _server.Url, adminToken: null);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Generated_frames_get_an_answer_or_a_documented_close_code_and_the_server_keeps_serving()
    {
        var cases = FuzzRun.Cases(DefaultCases);
        output.WriteLine($"Gateway fuzz: {FuzzRun.Describe(cases)}");
        var generator = new GatewayCases(() => _world);
        var clock = Stopwatch.StartNew();

        var lanes = Enumerable.Range(0, FuzzRun.Lanes).Select(_ => new Lane(this)).ToArray();
        try
        {
            await FuzzRun.RunAsync(cases, i => Prop.ForAll(generator.Arbitrary(), testCase => lanes[i].Run(testCase)));
        }
        finally
        {
            foreach (var lane in lanes)
            {
                await lane.DropConnectionAsync();
            }
        }

        output.WriteLine($"{_run} cases in {clock.Elapsed.TotalSeconds:F1} s; outcomes: " +
            string.Join(", ", _outcomes.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}×{s.Value}")));
        Assert.True(_run >= cases, $"Only {_run} of {cases} cases ran.");
    }

    /// <summary>One lane's connection, carried from case to case.</summary>
    private sealed class Lane(GatewayFuzzTests fuzz)
    {
        private RawGatewayClient? _connection;
        private readonly Dictionary<string, int> _outcomes = fuzz._outcomes;
        private readonly CapturedLog _log = fuzz._log;
        private int _run;

        public void Run(GatewayCase testCase)
        {
            _run++;
            Interlocked.Increment(ref fuzz._run);
            var failure = RunAsync(testCase).GetAwaiter().GetResult();
            var crashes = _log.TakeFailures();
            if (crashes.Count > 0)
            {
                failure = (failure is null ? "" : failure + "\n") + "The server logged:\n" + string.Join("\n", crashes);
            }
            if (failure is not null)
            {
                throw new FuzzFailure($"{failure}\nFrames: {testCase}\n{FuzzRun.Describe(_run)}");
            }
        }

        private async Task<string?> RunAsync(GatewayCase testCase)
        {
            try
            {
                return await SendAndWatchAsync(testCase).WaitAsync(AnswerTimeout) ?? await StillServingAsync().WaitAsync(AnswerTimeout);
            }
            catch (TimeoutException)
            {
                await DropConnectionAsync();
                Count("hang");
                return $"Neither an answer to a ping nor a close frame within {AnswerTimeout.TotalSeconds} s.";
            }
        }

        /// <summary>Sends the frames and a ping; reads until its pong (the connection goes on) or a close frame.</summary>
        private async Task<string?> SendAndWatchAsync(GatewayCase testCase)
        {
            if (testCase.Start != GatewayStart.Continue || _connection is null)
            {
                await DropConnectionAsync();
                _connection = await RawGatewayClient.ConnectAsync(fuzz._server.Url);
                if (testCase.Start == GatewayStart.FreshBeforeIdentify)
                {
                    await _connection.ReadFrameAsync();
                }
                else
                {
                    await _connection.IdentifyAsync(fuzz._world.Token);
                }
            }
            var connection = _connection;
            var echoed = new HashSet<int>();
            try
            {
                foreach (var frame in testCase.Frames)
                {
                    if (frame.Opcode == WebSocketOpcode.Close)
                    {
                        // The server echoes a client's close code (RFC 6455 §5.5.1), or answers 1000 to a Close without one.
                        echoed.Add(frame.Payload.Length >= 2 ? (frame.Payload[0] << 8) | frame.Payload[1] : GatewayCloseCodes.Normal);
                        echoed.Add(GatewayCloseCodes.Normal);
                    }
                    await SendAsync(connection, frame);
                }
                await connection.SendFrameAsync(WebSocketOpcode.Ping, Encoding.ASCII.GetBytes($"probe {_run}"));
            }
            catch (Exception exception) when (exception is IOException or SocketException)
            {
                // The server closed while frames were still going out; its close frame is in what is left to read.
            }

            var probe = $"probe {_run}";
            while (true)
            {
                RawGatewayClient.Frame answer;
                try
                {
                    answer = await connection.ReadFrameAsync();
                }
                catch (Exception exception) when (exception is IOException or EndOfStreamException or SocketException)
                {
                    await DropConnectionAsync();
                    Count("ended without close");
                    return "The connection ended without a close frame.";
                }
                catch (InvalidOperationException exception)
                {
                    await DropConnectionAsync();
                    return exception.Message;
                }
                switch (answer.Opcode)
                {
                    case WebSocketOpcode.Pong when answer.Text == probe:
                        Count("alive");
                        return null;
                    case WebSocketOpcode.Close:
                        await DropConnectionAsync();
                        var code = answer.CloseCode;
                        Count($"close {code}");
                        return Documented.Contains(code) || echoed.Contains(code) ? null : $"Closed with {code} ({answer.Text[Math.Min(2, answer.Text.Length)..]}), not a documented close code for client input.";
                    case WebSocketOpcode.Text:
                        if (!IsEnvelope(answer.Payload))
                        {
                            return $"The server sent a text frame that is not a gateway envelope: {RestCase.Preview(answer.Payload, 500)}";
                        }
                        if (answer.Text.StartsWith("{\"op\":12", StringComparison.Ordinal))
                        {
                            Count("error op");
                        }
                        break;
                    case WebSocketOpcode.Pong or WebSocketOpcode.Ping:
                        break;
                    default:
                        return $"The server sent a {answer.Opcode} frame.";
                }
            }
        }

        private static async Task SendAsync(RawGatewayClient connection, ClientFrame frame)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            WebSocketFrameWriter.Write(buffer, frame.Opcode, frame.Payload, frame.Fin, frame.Masked ? Random.Shared.Next(int.MinValue, int.MaxValue) : null);
            var bytes = buffer.WrittenSpan.ToArray();
            bytes[0] |= frame.Rsv;
            await connection.SendRawAsync(bytes);
        }

        /// <summary>
        /// The server still serves: when the case closed its connection, a new connection identifies (and becomes the
        /// lane's connection for the next case); when it did not, that connection just answered a ping. /health answers either way.
        /// </summary>
        private async Task<string?> StillServingAsync()
        {
            if (_connection is null)
            {
                var fresh = await RawGatewayClient.ConnectAsync(fuzz._server.Url);
                try
                {
                    await fresh.IdentifyAsync(fuzz._world.Token);
                }
                catch (InvalidOperationException exception)
                {
                    await fresh.DisposeAsync();
                    return "After the case a new connection could not identify: " + exception.Message;
                }
                _connection = fresh;
            }
            return await fuzz.HealthAsync();
        }

        public async Task DropConnectionAsync()
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
                _connection = null;
            }
        }

        private void Count(string outcome)
        {
            lock (_outcomes)
            {
                _outcomes[outcome] = _outcomes.GetValueOrDefault(outcome) + 1;
            }
        }
    }

    private async Task<string?> HealthAsync()
    {
        using var health = await _http.GetAsync(new Uri(_server.Url, "health"));
        return health.IsSuccessStatusCode ? null : $"After the case /health answered {(int)health.StatusCode}.";
    }

    private static bool IsEnvelope(byte[] payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("op", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

}
