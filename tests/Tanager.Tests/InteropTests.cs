using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>WebSocket clients we did not write talk to the gateway.</summary>
public sealed class InteropTests
{
    [Fact]
    public async Task Node_ws_client_completes_the_handshake_identifies_and_receives_a_dispatch()
    {
        var script = Path.Combine(Repository.Root, "tests", "interop", "ws-client.mjs");
        Assert.True(Directory.Exists(Path.Combine(Repository.Root, "tests", "interop", "node_modules", "ws")), "Run 'npm ci' in tests/interop first (.ci/run does).");
        await using var server = await TestServer.StartAsync();
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var gateway = new Uri(server.Url, "gateway").ToString().Replace("http://", "ws://", StringComparison.Ordinal);

        await using var node = ChildProcess.Start("node", [script, gateway, room.Members[0].Token!]);
        var ready = await node.WaitForLineAsync("\"READY\"");
        Assert.Contains(room.Members[0].User!.Id, ready, StringComparison.Ordinal);
        await room.PostAsync("hello node");

        var dispatch = await node.WaitForLineAsync("MESSAGE_CREATE");
        Assert.Contains("\"content\":\"hello node\"", dispatch, StringComparison.Ordinal);
        Assert.Contains("\"sequence\":1", dispatch, StringComparison.Ordinal);
        await node.WaitForExitAsync();
        Assert.Equal(0, node.ExitCode);
        Assert.Contains(node.Lines, l => l.Contains("\"code\":1000", StringComparison.Ordinal));
    }
}
