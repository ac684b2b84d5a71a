using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

public sealed class IdempotentSendTests
{
    [Theory]
    [InlineData(TestStorage.InMemory)]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_send_retried_with_the_same_nonce_yields_exactly_one_message_announced_once(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var live = new ConcurrentQueue<MessageDto>();
        room.Members[0].Gateway.MessageCreated += m =>
        {
            live.Enqueue(m);
            return Task.CompletedTask;
        };
        await room.Members[0].Gateway.ConnectAsync().Within();
        using var http = new HttpClient();
        var url = new Uri(server.Url, $"api/v1/workspaces/{room.Workspace.Id}/channels/{room.Channel.Id}/messages");

        async Task<MessageDto> SendAsync(string content)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(new PostMessageRequest { Content = content, Nonce = "retry-me-42" }, TanagerJsonContext.Default.PostMessageRequest) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", room.Owner.Token);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync(TanagerJsonContext.Default.MessageDto))!;
        }

        var first = await SendAsync("only once, please");
        // The client never saw the first answer (say its connection dropped) and sends again, concurrently twice.
        var retries = await Task.WhenAll(SendAsync("only once, please"), SendAsync("only once, please"));
        await room.PostAsync("marker");

        Assert.All(retries, r => Assert.Equal(first, r));
        Assert.Equal("retry-me-42", first.Nonce);
        var history = await room.Owner.GetMessagesAsync(room.Workspace.Id, room.Channel.Id);
        Assert.Equal(["only once, please", "marker"], history.Messages.Select(m => m.Content));
        Assert.Equal([1L, 2L], history.Messages.Select(m => m.Sequence));
        Assert.True(await Eventually.Until(() => live.Count >= 2));
        await Task.Delay(200);
        Assert.Equal(["only once, please", "marker"], live.Select(m => m.Content));
        await room.Members[0].DisposeAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("ünïcode")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task A_malformed_nonce_is_refused(string nonce)
    {
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 0);
        var error = await Assert.ThrowsAsync<Tanager.Client.TanagerApiException>(() => room.Owner.PostMessageAsync(room.Workspace.Id, room.Channel.Id, "hi", nonce));
        Assert.Equal(400, error.Status);
        Assert.Empty((await room.Owner.GetMessagesAsync(room.Workspace.Id, room.Channel.Id)).Messages);
    }
}
