using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>GET /api/v1/events: the dispatch stream as server-sent events, resumable with Last-Event-ID.</summary>
public sealed class EventStreamTests
{
    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_client_that_reconnects_with_Last_Event_ID_misses_nothing_and_gets_nothing_twice(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var token = room.Members[0].Token!;
        using var http = new HttpClient();

        string lastId;
        await using (var stream = await SseStream.OpenAsync(http, server.Url, token, lastEventId: null))
        {
            var ready = await stream.ReadAsync("READY");
            Assert.Equal(room.Members[0].User!.Id, JsonDocument.Parse(ready.Data).RootElement.GetProperty("user").GetProperty("id").GetString());
            for (var i = 1; i <= 3; i++)
            {
                await room.PostAsync($"m{i}");
            }
            var first = await stream.ReadMessagesAsync(3);
            Assert.Equal([1L, 2L, 3L], first.Select(m => m.Message.Sequence));
            lastId = first[^1].Id!;
            Assert.Equal($"{room.Channel.Id}:3", lastId);
        }

        // Away: four messages are posted. The client comes back with the id of the last event it saw.
        for (var i = 4; i <= 7; i++)
        {
            await room.PostAsync($"m{i}");
        }
        await using var resumed = await SseStream.OpenAsync(http, server.Url, token, lastId);
        await resumed.ReadAsync("READY");
        var missed = await resumed.ReadMessagesAsync(4);
        Assert.Equal([4L, 5L, 6L, 7L], missed.Select(m => m.Message.Sequence));
        Assert.Equal(["m4", "m5", "m6", "m7"], missed.Select(m => m.Message.Content));
        await room.PostAsync("m8");
        var live = await resumed.ReadMessagesAsync(1);
        Assert.Equal(8, live[0].Message.Sequence);
        Assert.Equal($"{room.Channel.Id}:8", live[0].Id);
    }

    [Fact]
    public async Task A_client_dropped_before_any_channel_change_resumes_from_the_positions_sent_after_READY()
    {
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 1);
        await room.PostAsync("before");
        using var http = new HttpClient();
        string id;
        await using (var stream = await SseStream.OpenAsync(http, server.Url, room.Members[0].Token!, lastEventId: null))
        {
            await stream.ReadAsync("READY");
            // An id-only record: EventSource keeps it as the last event id without dispatching anything.
            id = await stream.ReadIdOnlyRecordAsync();
            Assert.Equal($"{room.Channel.Id}:1", id);
        }
        await room.PostAsync("while away");
        await using var resumed = await SseStream.OpenAsync(http, server.Url, room.Members[0].Token!, id);
        var missed = await resumed.ReadMessagesAsync(1);
        Assert.Equal("while away", missed[0].Message.Content);
    }

    [Fact]
    public async Task The_eventsource_package_reconnects_by_itself_across_cut_connections_and_misses_nothing()
    {
        var script = Path.Combine(Repository.Root, "tests", "interop", "sse-client.mjs");
        Assert.True(Directory.Exists(Path.Combine(Repository.Root, "tests", "interop", "node_modules", "eventsource")), "Run 'npm ci' in tests/interop first (.ci/run does).");
        await using var server = await TestServer.StartAsync(TestStorage.Sqlite);
        var room = await ChatRoom.CreateAsync(server, members: 1);
        await using var balancer = new TcpBalancer([server.Url.Port]);
        const int Total = 60;

        await using var node = ChildProcess.Start("node", [script, new Uri(balancer.Url, "api/v1/events").ToString(), room.Members[0].Token!, Total.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await node.WaitForLineAsync("\"READY\"");
        var random = new Random(42);
        for (var i = 1; i <= Total; i++)
        {
            await room.PostAsync($"m{i}");
            if (random.Next(8) == 0)
            {
                // The network drops the stream at an arbitrary point; EventSource comes back with Last-Event-ID.
                balancer.CutAll();
            }
        }
        await node.WaitForExitAsync(90);
        Assert.True(node.ExitCode == 0, node.Errors);
        var sequences = node.Lines.Where(l => l.Contains("MESSAGE_CREATE", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), sequences);
        Assert.True(node.Lines.Count(l => l.Contains("\"READY\"", StringComparison.Ordinal)) > 1, "The stream was never cut.");
    }

    [Fact]
    public async Task A_missing_token_is_401_and_a_malformed_Last_Event_ID_is_400_as_problem_documents()
    {
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 1);
        using var http = new HttpClient();

        using var anonymous = await http.GetAsync(new Uri(server.Url, "api/v1/events"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);

        foreach (var bad in new[] { "garbage", $"{room.Channel.Id}:-1", $"{room.Channel.Id}:1,{room.Channel.Id}:2", "not-a-ulid:3" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Url, "api/v1/events"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", room.Members[0].Token);
            request.Headers.TryAddWithoutValidation("Last-Event-ID", bad);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("invalid_request", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_gateway_ticket_may_come_as_a_query_parameter_for_browsers_EventSource_but_a_session_token_may_not()
    {
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 1);
        using var http = new HttpClient();
        var ticket = await room.Members[0].CreateGatewayTicketAsync();
        using var response = await http.GetAsync(new Uri(server.Url, $"api/v1/events?access_token={ticket.Ticket}"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        // A session token in a URL would outlive the request in every log that records it.
        using var refused = await http.GetAsync(new Uri(server.Url, $"api/v1/events?access_token={room.Members[0].Token}"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    /// <summary>A minimal SSE reader (WHATWG event-stream parsing: event, data, id fields; the id persists).</summary>
    private sealed class SseStream : IAsyncDisposable
    {
        private readonly HttpResponseMessage _response;
        private readonly StreamReader _reader;
        private string? _lastId;

        private SseStream(HttpResponseMessage response, StreamReader reader)
        {
            _response = response;
            _reader = reader;
        }

        public static async Task<SseStream> OpenAsync(HttpClient http, Uri server, string token, string? lastEventId)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, "api/v1/events"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Accept.ParseAdd("text/event-stream");
            if (lastEventId is not null)
            {
                request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
            }
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            return new SseStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
        }

        public async Task<(string Event, string Data, string? Id)> ReadAsync(string? eventName = null)
        {
            while (true)
            {
                var record = await NextAsync().Within();
                if (eventName is null || record.Event == eventName)
                {
                    return record;
                }
            }
        }

        public async Task<List<(MessageDto Message, string? Id)>> ReadMessagesAsync(int count)
        {
            var messages = new List<(MessageDto, string?)>();
            while (messages.Count < count)
            {
                var record = await ReadAsync(GatewayEvents.MessageCreate);
                messages.Add((JsonSerializer.Deserialize(record.Data, TanagerJsonContext.Default.MessageDto)!, record.Id));
            }
            return messages;
        }

        /// <summary>Reads the next record, which must carry only an id, and returns the id.</summary>
        public async Task<string> ReadIdOnlyRecordAsync()
        {
            string? id = null;
            while (await _reader.ReadLineAsync().Within() is { } line)
            {
                if (line.Length == 0 && id is not null)
                {
                    return id;
                }
                if (line.StartsWith("id:", StringComparison.Ordinal))
                {
                    id = line[3..].TrimStart(' ');
                    _lastId = id;
                }
                else if (line.Length > 0 && !line.StartsWith(':'))
                {
                    throw new InvalidOperationException("Expected an id-only record, got: " + line);
                }
            }
            throw new EndOfStreamException("The event stream ended.");
        }

        private async Task<(string Event, string Data, string? Id)> NextAsync()
        {
            string? eventName = null;
            var data = new List<string>();
            while (await _reader.ReadLineAsync() is { } line)
            {
                if (line.Length == 0)
                {
                    if (data.Count > 0)
                    {
                        return (eventName ?? "message", string.Join('\n', data), _lastId);
                    }
                    eventName = null;
                    continue;
                }
                if (line.StartsWith(':'))
                {
                    continue;
                }
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var field = colon < 0 ? line : line[..colon];
                var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
                switch (field)
                {
                    case "event":
                        eventName = value;
                        break;
                    case "data":
                        data.Add(value);
                        break;
                    case "id":
                        _lastId = value;
                        break;
                }
            }
            throw new EndOfStreamException("The event stream ended.");
        }

        public ValueTask DisposeAsync()
        {
            _reader.Dispose();
            _response.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
